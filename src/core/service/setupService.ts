/**
 * The one service every adapter calls: the command palette, the setup page, the status bar and
 * the CLI. It owns the order of things and delegates each rule to its module; adapters only
 * collect input and show results. Nothing here depends on VS Code.
 */
import { cacheFolderError, type CacheFolderReport } from '../cache/checkFolder';
import type { ConnectivityReport } from '../connectivity/check';
import { checkedEndpoint } from '../connectivity/endpoint';
import type { VaultCredentials } from '../credentials/model';
import { generatePassphrase } from '../passphrase/generate';
import { Secret } from '../secret';
import type { PassphraseLocationWarning } from '../passphrase/location';
import { resolveProxy } from '../proxy/resolve';
import type { ProxySettings } from '../proxy/settings';
import { agentProxyFor } from './agentProxy';
import { checkCacheOnTarget, type DataToProtect } from './cacheOnTarget';
import { runChange } from './change';
import { installPlace, stage, type ServiceContext } from './context';
import { buildPlan } from './plan';
import { checkPassphraseFile, ensurePassphraseFile, type PassphraseFilePlace } from './passphrase';
import { inspectCredentials, inspectForTarget, prepareSetup, summarise } from './prepare';
import { chooseVault } from '../vault/choose';
import { serverNameFor } from './serverName';
import { runRegistration } from './register';
import { readStatus, type StatusOptions } from './status';
import type {
  ChangeInput,
  ChangeOptions,
  BackendChoice,
  ChangeResult,
  OperationOptions,
  RegisterOptions,
  RegisterResult,
  SetupInput,
  SetupPlan,
  SetupServiceOptions,
  DescribedCredentials,
  SetupStatus,
  UnregisterResult,
} from './types';
import { runUnregister } from './unregister';
import { presentedVaultCertificate, verifyVaultCa, type PresentedVaultCertificate, type VerifiedVaultCa } from './trust';
import type { WithProblem } from './vaultAccess';
import type { AgentOnTarget, ServerCheckSkipped } from '../agents/driver';
import { ChosenAgentDriver, type AgentFactories } from '../agents/choose';
import { marsFactory } from '../agents/mars/factory';
import { ReferenceAgentDriver } from '../agents/reference/driver';
import { AzureVaultBackend } from '../vault/azure/backend';
import { LocalVaultBackend } from '../vault/local';
import type { AgentKind } from '../vault/kinds';

export type { WithProblem } from './vaultAccess';

/**
 * A connectivity report, and where it ran: on the target; here while the target has no agent yet
 * (`admin`); or here only, as the target's agent has no check this setup runs there (`adminOnly`: MARS).
 */
export type CheckedConnectivity = WithProblem<ConnectivityReport> & { checkedOn: 'target' | 'admin' | 'adminOnly' };

/** Where a check or a download goes: an endpoint, or the one a credentials file names. */
export type VaultEndpointInput = ({ endpoint: string } | { credentialsFile: string }) & { proxy: ProxySettings };

export class SetupService {
  private readonly ctx: ServiceContext;

  constructor(options: SetupServiceOptions) {
    const { target, logger, proxyContext, trust, network, downloadCacheDir, packages } = options;
    const backendHost = { logger, proxyContext, trust, network };
    const backend = options.vaultBackend?.(backendHost) ?? (options.backend === 'azure' ? new AzureVaultBackend(backendHost) : new LocalVaultBackend(backendHost));
    const host = { target, logger, access: backend.access, downloadCacheDir, network, packages };
    const agents: AgentFactories = { reference: (h) => new ReferenceAgentDriver(h), ...(options.mars ? { mars: marsFactory(options.mars) } : {}), ...options.agents };
    this.ctx = {
      target,
      logger,
      backend,
      downloadCacheDir,
      now: options.now ?? (() => new Date()),
      agent: new ChosenAgentDriver(host, backend.kind, agents),
      proxyContext,
      armEndpoint: options.armEndpoint,
    };
  }

  /**
   * The agent this target gets, from its platform and this setup's vault service (the one rule in
   * vault/choose.ts); refused, as every agent step would be, when no agent fits or none is offered here.
   */
  agentKind(options: { signal?: AbortSignal } = {}): Promise<AgentKind> {
    return this.ctx.agent.kind(options.signal);
  }

  /** A file's vault service and the agent it needs, from the file alone (validated; no target): a fleet's files before its servers are probed. */
  async fileChoice(file: string, options: { signal?: AbortSignal } = {}): Promise<BackendChoice> {
    const { backend, agent } = chooseVault(await inspectCredentials(file, this.ctx.now(), options.signal), { armEndpoint: this.ctx.armEndpoint });
    return { backend, agent };
  }

  /** The first step: the file validated, and refused unless this target can take the agent its vault needs. */
  async inspectCredentials(file: string, options: { signal?: AbortSignal } = {}): Promise<VaultCredentials> {
    return (await inspectForTarget(this.ctx, file, options.signal)).credentials;
  }

  /**
   * What a credentials file says, for showing, with the backend and agent the plan will name:
   * the file is checked as inspectCredentials does.
   */
  async describeCredentials(file: string, options: { signal?: AbortSignal } = {}): Promise<DescribedCredentials> {
    const { credentials, choice } = await inspectForTarget(this.ctx, file, options.signal);
    return { ...summarise(credentials), backend: choice.backend, agent: choice.agent };
  }

  /**
   * Checks where a passphrase file would go, writing nothing: its place confirmed through
   * `confirm` (refused, PassphraseLocationNotConfirmed, otherwise) and no other file there.
   */
  checkPassphraseFile(place: PassphraseFilePlace): Promise<{ file: string; warnings: PassphraseLocationWarning[] }> {
    return checkPassphraseFile(this.ctx.target, place);
  }

  /**
   * Saves the passphrase file now (0600, never over another file; a file holding this very
   * passphrase is kept) once checkPassphraseFile passes, with the vault and the name this server
   * registers under in its header. Returns the absolute path.
   */
  async savePassphraseFile(place: PassphraseFilePlace & { vaultName: string; serverName?: string }, options: { signal?: AbortSignal } = {}): Promise<string> {
    const { file } = await checkPassphraseFile(this.ctx.target, place);
    const serverName = await this.serverName(place.serverName, options);
    return ensurePassphraseFile({ file, passphrase: place.passphrase, vaultName: place.vaultName, serverName, now: this.ctx.now() });
  }

  /** The name this server registers under: `given` (trimmed), else the target's host name. Every surface takes its default from here. */
  serverName(given?: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    return serverNameFor(this.ctx.target, given, options.signal);
  }

  /** What register() would do with this input, changing nothing; refusals are thrown as they would be there. */
  async plan(input: SetupInput, options: { signal?: AbortSignal } = {}): Promise<SetupPlan> {
    return buildPlan(this.ctx.target, await prepareSetup(this.ctx, input, options.signal));
  }

  /**
   * Where the agent goes on the target: the given install folder (else the one the install record
   * names, else the platform's default) and the cache folder used when none is chosen.
   */
  async installPlace(options: Pick<OperationOptions, 'installFolder' | 'signal'> = {}): Promise<{ installFolder: string; defaultCacheFolder: string }> {
    const { installFolder, defaultCacheFolder } = await installPlace(this.ctx, options.installFolder, options.signal);
    return { installFolder, defaultCacheFolder };
  }

  /** The cache folder report, with the first failed check as an actionable `problem`. */
  async checkCache(folder: string, data: DataToProtect, options: Omit<OperationOptions, 'installFolder'> = {}): Promise<WithProblem<CacheFolderReport>> {
    const report = await checkCacheOnTarget(this.ctx.target, folder, data, { signal: options.signal, onProgress: (d) => options.onProgress?.('checkCache', d) });
    const problem = cacheFolderError(report);
    return problem ? { ...report, problem } : report;
  }

  /**
   * The per-stage connectivity report, with the failed stage as an actionable `problem`. It runs
   * where it matters, on the target: a remote one checks through its installed agent (its clock
   * included), and from here only while no agent is installed there (`checkedOn: 'admin'`).
   */
  async checkConnectivity(where: VaultEndpointInput, options: { signal?: AbortSignal; installFolder?: string } = {}): Promise<CheckedConnectivity> {
    const { signal } = options;
    const endpoint = await this.endpointOf(where, signal);
    let skipped: ServerCheckSkipped | undefined;
    if (!this.ctx.target.isLocal) {
      const { layout } = await installPlace(this.ctx, options.installFolder, signal);
      const plan = agentProxyFor(where.proxy, layout, this.ctx.proxyContext);
      const check = { proxy: plan.proxy, ...(plan.password ? { proxyPassword: plan.password } : {}) };
      const fromTarget = await this.ctx.agent.checkConnectivity(layout, check, await this.ctx.backend.access.endpoint(endpoint), signal);
      if (typeof fromTarget !== 'string') return { ...fromTarget, checkedOn: 'target' };
      skipped = fromTarget;
    }
    const route = await this.ctx.backend.access.route(where.proxy, endpoint);
    const checkedOn = skipped === undefined ? 'target' : skipped === 'noServerCheck' ? 'adminOnly' : 'admin';
    return { ...(await this.ctx.backend.access.checkConnectivity(route, signal)), checkedOn };
  }

  /** The certificate the vault endpoint presents (the top of the chain it sends), for the user to judge before trusting a CA for it. */
  async presentedCertificate(where: VaultEndpointInput, options: { signal?: AbortSignal } = {}): Promise<PresentedVaultCertificate> {
    return presentedVaultCertificate(this.ctx, await this.endpointOf(where, options.signal), where.proxy, options.signal);
  }

  /** Checks that the CA in `file` verifies what the vault endpoint presents; refused (TrustedCertificate…) otherwise. */
  async verifyTrustedCertificate(where: VaultEndpointInput, file: string, options: { signal?: AbortSignal } = {}): Promise<VerifiedVaultCa> {
    return verifyVaultCa(this.ctx, await this.endpointOf(where, options.signal), where.proxy, file, options.signal);
  }

  /** Downloads the agent (admin side, through the effective proxy) and installs it on the target. */
  async install(where: VaultEndpointInput, options: OperationOptions = {}): Promise<AgentOnTarget> {
    const { signal, onProgress } = options;
    const place = await installPlace(this.ctx, options.installFolder, signal);
    const vault = await this.vaultOf(where, signal);
    const route = await this.ctx.backend.access.route(where.proxy, vault.endpoint);
    stage(onProgress, signal, 'checkPrerequisites');
    const prerequisites = await this.ctx.agent.requirePrerequisites(signal);
    stage(onProgress, signal, 'installAgent', { agentDir: place.layout.agentDir });
    return this.ctx.agent.install(route, place.layout, { signal, prerequisites, agentLinks: vault.agentLinks, proxyFor: (url) => resolveProxy(where.proxy, url, this.ctx.proxyContext), onProgress: (d) => onProgress?.('installAgent', d) });
  }

  register(input: SetupInput, options: RegisterOptions = {}): Promise<RegisterResult> {
    return runRegistration(this.ctx, input, options);
  }

  status(options: StatusOptions = {}): Promise<SetupStatus> {
    return readStatus(this.ctx, options);
  }

  change(input: ChangeInput, options: ChangeOptions = {}): Promise<ChangeResult> {
    return runChange(this.ctx, input, options);
  }

  unregister(options: OperationOptions = {}): Promise<UnregisterResult> {
    return runUnregister(this.ctx, options);
  }

  /** A new passphrase by the agent's rules (printable ASCII, 32 characters unless asked otherwise). */
  generatePassphrase(length?: number): Secret {
    return new Secret(generatePassphrase(length));
  }

  private async endpointOf(where: VaultEndpointInput, signal?: AbortSignal): Promise<string> {
    return (await this.vaultOf(where, signal)).endpoint;
  }

  /** The vault's endpoint, and the agent links when a credentials file names them. */
  private async vaultOf(where: VaultEndpointInput, signal?: AbortSignal): Promise<Pick<VaultCredentials, 'endpoint'> & Partial<Pick<VaultCredentials, 'agentLinks'>>> {
    return 'endpoint' in where ? { endpoint: checkedEndpoint(where.endpoint) } : this.inspectCredentials(where.credentialsFile, { signal });
  }
}

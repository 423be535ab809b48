/**
 * The commands: each turns its options into a SetupService call and its result into text. No
 * rule lives here; the service decides, refuses and explains. The service, the SSH transport and
 * the HTTP stack are imported on first use, so `inspect` loads only the credentials parser.
 */
import os from 'node:os';
import path from 'node:path';
import type { CacheFolderReport } from '../core/cache/checkFolder';
import type { ConnectivityReport } from '../core/connectivity/check';
import { isSetupError } from '../core/errors';
import { parseProxySettings, type ProxySettings } from '../core/proxy/settings';
import type { SetupInput, SetupService, WithProblem } from '../core/service';
import { splitTimeLeft } from '../core/status';
import { thisMachineTarget } from '../core/target/windows/localWindows';
import type { Target } from '../core/target/target';
import type { BackendKind } from '../core/vault/kinds';
import { endpointKey, type TrustedCertificate } from '../core/trust/endpoint';
import { dataToProtect, UsageError, type CommandName, type ParsedCommand } from './args';
import { ReportedFailure, type Output } from './output';
import { cliMarsAdapter, type VaultScope } from './mars';
import { readSecrets, readTrustedCa, type CliSecrets } from './secrets';
import { isSimulatedServer } from './simulated';
import { en, errorText, localise, rows, say, t } from './strings';

export interface CliContext {
  parsed: ParsedCommand;
  output: Output;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  signal: AbortSignal;
}

type Handler = (ctx: CliContext, tools: Tools) => Promise<void>;

export interface Tools {
  /** The service for `choice`'s vault service (the local vault's when absent): from a credentials file (fileChoice) or the server (serverChoice). */
  service(choice?: CliChoice): Promise<SetupService>;
  /** The vault service and agent of a credentials file, by the core's rule (vault/choose.ts), with its vault for the MARS PIN. */
  fileChoice(file: string): Promise<CliChoice>;
  /** A registered server's vault service, where no file names it: the one whose agent runs on its system. */
  serverChoice(): Promise<CliChoice>;
  secrets(): Promise<CliSecrets>;
  proxySettings(): Promise<ProxySettings>;
  string(name: string): string | undefined;
  list(name: string): string[] | undefined;
  flag(name: string): boolean;
}

export async function runCommand(ctx: CliContext): Promise<void> {
  const { values } = ctx.parsed;
  let secrets: Promise<CliSecrets> | undefined;
  let target: Promise<Target> | undefined;
  const openedTarget = () => (target ??= openTarget(ctx, tools.string('ssh'), tools.flag('accept-new-host-key')));
  ctx.output.simulated = isSimulatedServer(ctx.env, sshOf(values));
  const tools: Tools = {
    string: (name) => values[name] as string | undefined,
    list: (name) => values[name] as string[] | undefined,
    flag: (name) => values[name] === true,
    secrets: () =>
      (secrets ??= readSecrets(
        {
          passphraseStdin: tools.flag('passphrase-stdin'),
          proxyPasswordStdin: tools.flag('proxy-password-stdin'),
          tokenStdin: tools.flag('token-stdin'),
          securityPinStdin: tools.flag('security-pin-stdin'),
        },
        ctx.env,
        ctx.stdin,
      )),
    proxySettings: () => proxySettings(tools),
    service: async (choice) => {
      // The CA and the credentials file it is for are local inputs: read before any connection.
      const trust = await cliTrust(tools, ctx);
      return createService(ctx, tools, await openedTarget(), trust, choice ?? { backend: 'local' });
    },
    fileChoice: async (file) => {
      const credentials = await inspectFile(file, ctx.signal);
      const { chooseVault } = await import('../core/vault/choose');
      const { backend } = chooseVault(credentials, { armEndpoint: tools.string('arm-endpoint') });
      return { backend, vault: { subscriptionId: credentials.subscriptionId, resourceGroup: credentials.resourceGroup } };
    },
    serverChoice: async () => {
      const facts = await (await openedTarget()).facts(ctx.signal);
      const { statusChoice } = await import('../core/service/status');
      return { backend: statusChoice(facts).backend };
    },
  };
  try {
    // A given Resource Manager endpoint is checked up front: the rule that recognises the local
    // vault's files by it passes over one that is no URL, which would then go unnoticed.
    const arm = tools.string('arm-endpoint');
    if (arm !== undefined) (await import('../core/vault/azure/endpoint')).armEndpoint(arm);
    await HANDLERS[ctx.parsed.command](ctx, tools);
  } finally {
    await (await target?.catch(() => undefined))?.close();
  }
}

const sshOf = (values: ParsedCommand['values']) => (typeof values.ssh === 'string' ? values.ssh : undefined);

/** This server, or the one `--ssh` names, reached with what needs no prompt (agent, unencrypted keys). */
async function openTarget(ctx: CliContext, ssh: string | undefined, acceptNewHostKey: boolean): Promise<Target> {
  if (!ssh) return thisMachineTarget();
  const logger = ctx.output.logger();
  const home = ctx.env.HOME || os.homedir();
  const { defaultKnownHostsFile, openSshTarget, resolveDestination } = await import('../core/target/ssh');
  const destination = await resolveDestination(ssh, { home, user: ctx.env.USER }).catch((err: unknown) => {
    // A destination that cannot be parsed is a mistake in the command line: a usage error (exit 2).
    throw isSetupError(err, 'SshInvalidDestination') ? new UsageError({ en: `${err.message}\n${en('sshUsage')}`, text: `${errorText(err)}\n${t('sshUsage')}` }, err.code) : err;
  });
  return openSshTarget(destination, {
    prompts: {
      trustNewHost: async (key) => {
        logger.warn(`${t('hostKeyNew', key.hostPattern, key.keyType, key.fingerprint)} ${t(acceptNewHostKey ? 'hostKeyTrusted' : 'hostKeyRefused')}`);
        return acceptNewHostKey;
      },
      // A command line has no one to ask: encrypted keys go through the SSH agent.
      keyPassphrase: async () => undefined,
      password: async () => undefined,
    },
    knownHostsFiles: [defaultKnownHostsFile(home)],
    agentSocket: ctx.env.SSH_AUTH_SOCK,
    logger,
    signal: ctx.signal,
  });
}

/**
 * The CLI's CA (--ca, else BACKUP_VAULT_CA), trusted for this run's vault endpoint only: the one
 * --endpoint names, or the credentials file's. Every other host keeps the system's store.
 */
async function cliTrust(tools: Tools, ctx: CliContext): Promise<TrustedCertificate[] | undefined> {
  const pem = await readTrustedCa(tools.string('ca'), ctx.env);
  const credentialsFile = tools.string('credentials');
  if (!pem || (!tools.string('endpoint') && !credentialsFile)) return undefined;
  const endpoint = tools.string('endpoint') ?? (await inspectFile(credentialsFile!, ctx.signal)).endpoint;
  return [{ endpoint: endpointKey(endpoint), pem }];
}

/** The credentials parser alone (no service, no network stack); its refusals get their next step in main. */
async function inspectFile(file: string, signal: AbortSignal) {
  const { inspectCredentialsFile } = await import('../core/credentials/inspect');
  return inspectCredentialsFile(file, { now: new Date(), signal });
}

/**
 * The file inspected for this machine: refused unless this machine runs the agent its vault needs
 * (step 1's rule), with the service this command line would build for it (the file's own).
 */
async function inspectHere(file: string, signal: AbortSignal, armEndpoint: string | undefined) {
  const credentials = await inspectFile(file, signal);
  const { chooseVault, requireUsable } = await import('../core/vault/choose');
  const { backend } = chooseVault(credentials, { armEndpoint });
  requireUsable(credentials, { facts: { platform: process.platform }, label: `this server (${os.hostname()})` }, backend, { armEndpoint });
  return credentials;
}

/** A service's vault service, and for an Azure one the vault the MARS PIN is asked of. */
export interface CliChoice {
  backend: BackendKind;
  vault?: VaultScope;
}

/**
 * The service for `choice`'s vault service, built as the extension builds its own (the core then
 * picks the agent from the server's platform: agents/choose.ts), with the MARS driver's needs.
 */
async function createService(ctx: CliContext, tools: Tools, target: Target, trust: TrustedCertificate[] | undefined, choice: CliChoice): Promise<SetupService> {
  const { SetupService } = await import('../core/service');
  const cacheHome = ctx.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return new SetupService({
    target,
    logger: ctx.output.logger(),
    proxyContext: { env: ctx.env },
    trust,
    downloadCacheDir: path.join(cacheHome, 'backup-agent-setup', 'downloads'),
    armEndpoint: tools.string('arm-endpoint'),
    backend: choice.backend,
    mars: cliMarsAdapter(ctx, tools, choice.vault),
  });
}

async function proxySettings(tools: Tools): Promise<ProxySettings> {
  const host = tools.string('proxy-host');
  const port = tools.string('proxy-port');
  const noProxy = (tools.list('no-proxy') ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const { proxyPassword } = await tools.secrets();
  return parseProxySettings({
    mode: tools.string('proxy-mode') ?? (host ? 'settings' : 'off'),
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port: Number(port) }),
    ...(tools.string('proxy-user') === undefined ? {} : { user: tools.string('proxy-user') }),
    noProxy,
    ...(proxyPassword ? { password: proxyPassword } : {}),
  });
}

const HANDLERS: Record<CommandName, Handler> = {
  async inspect({ parsed, output, signal }, tools) {
    const file = parsed.positionals[0]!;
    // This machine is checked without building the service (inspect stays fast); a remote server through it.
    const c = tools.string('ssh') ? await (await tools.service(await tools.fileChoice(file))).inspectCredentials(file, { signal }) : await inspectHere(file, signal, tools.string('arm-endpoint'));
    const { hours, minutes } = splitTimeLeft(c.timeLeftMs);
    output.done('inspect', c, [
      t('inspectTitle', c.fileName),
      ...rows([
        [t('labelVault'), t('vaultWhere', c.vaultName, c.resourceGroup, c.location)],
        [t('labelSubscription'), c.subscriptionId],
        [t('labelEndpoint'), c.endpoint],
        [t('labelValidUntil'), t('timeLeft', c.expiresAt.toISOString(), hours, minutes)],
        [t('labelCertificate'), `SHA-256 ${c.fingerprint256}`],
      ]),
    ]);
  },

  async 'check-cache'({ parsed, output, signal }, tools) {
    const [folder, ...more] = parsed.positionals;
    const report = await (await tools.service()).checkCache(folder!, dataToProtect(tools.list('data-size'), more), {
      signal,
      onProgress: (s, d) => output.progress(s, d),
    });
    await reportChecks(output, 'check-cache', report, cacheLines(report));
  },

  async 'check-connectivity'({ output, signal }, tools) {
    const endpoint = tools.string('endpoint');
    const credentialsFile = tools.string('credentials');
    if ((endpoint === undefined) === (credentialsFile === undefined)) throw new UsageError(say('endpointOrCredentials'));
    const proxy = await proxySettings(tools);
    const where = endpoint !== undefined ? { endpoint, proxy } : { credentialsFile: credentialsFile!, proxy };
    const report = await (await tools.service(credentialsFile === undefined ? undefined : await tools.fileChoice(credentialsFile))).checkConnectivity(where, { signal });
    await reportChecks(output, 'check-connectivity', report, connectivityLines(report));
  },

  async 'passphrase generate'({ output }, tools) {
    const length = tools.string('length');
    if (length !== undefined && !/^\d+$/.test(length)) throw new UsageError(say('lengthNumber'));
    const passphrase = (await tools.service()).generatePassphrase(length === undefined ? undefined : Number(length));
    output.done('passphrase generate', { passphrase: passphrase.reveal() }, [passphrase.reveal()]);
  },

  async register(ctx, tools) {
    const { parsed, output, signal } = ctx;
    const credentialsFile = tools.string('credentials');
    if (!credentialsFile) throw new UsageError(say('registerNeedsCredentials'));
    const { passphrase } = await tools.secrets();
    if (!passphrase) throw new UsageError(say('registerNeedsPassphrase'), 'PassphraseRequired');
    const input: SetupInput = {
      credentialsFile,
      installFolder: tools.string('install-folder'),
      cacheFolder: tools.string('cache-folder'),
      ...dataToProtect(tools.list('data-size'), parsed.positionals),
      proxy: await proxySettings(tools),
      passphrase: { value: passphrase },
      passphraseFile: tools.string('passphrase-file'),
      serverName: tools.string('server-name'),
    };
    // The admin machine's own inputs (the credentials file, the passphrase, its file) are checked
    // before connecting to a server: a typo should not wait for an SSH handshake.
    const { checkLocalInputs } = await import('../core/service/localInputs');
    await checkLocalInputs(input, { signal });
    const service = await tools.service(await tools.fileChoice(credentialsFile));
    if (tools.flag('dry-run')) {
      const plan = await service.plan(input, { signal });
      const { CHOICE_LABELS } = await import('../core/vault/kinds');
      output.done('register', plan, [
        t('planTitle', plan.target.label, plan.serverName, plan.credentials.vaultName),
        t('planChoice', localise(CHOICE_LABELS.backend[plan.backend]), localise(CHOICE_LABELS.agent[plan.agent])),
        ...plan.changes.map((c) => `  ${c.kind}${c.path ? ` ${c.path}` : ''}${c.secret ? ` ${t('planSecret')}` : ''}`),
        ...plan.warnings.map((w) => t('warning', w.code)),
      ]);
      return;
    }
    const result = await service.register(input, {
      signal,
      onProgress: (stage, detail) => output.progress(stage, detail),
      confirmPassphraseLocation: async (warnings) => {
        if (tools.flag('accept-passphrase-location')) return true;
        for (const w of warnings) output.warn(`${w.code}${w.params.folder ? ` (${String(w.params.folder)})` : ''}`);
        output.warn(t('reviewPassphraseLocation'));
        return false;
      },
    });
    if (output.simulated) {
      // Whatever a simulated shell answered, nothing was registered.
      output.failed('register', { code: 'SimulatedNotRegistered', message: en('simulatedNotRegistered', result.serverName), params: {}, shown: t('simulatedNotRegistered', result.serverName) });
      throw new ReportedFailure();
    }
    output.done('register', result, [
      t(result.created ? 'registered' : 'registeredAgain', result.serverName, result.vault.vaultName),
      ...rows([
        [t('labelRegistration'), result.registrationId],
        [t('labelMachine'), result.machineId],
        [t('labelAgent'), t('agentIn', result.agentVersion, result.installFolder)],
        [t('labelCacheFolder'), result.cacheFolder],
        [t('labelConfiguration'), result.configFile],
        ...(result.passphraseFile ? [[t('labelPassphrase'), t('passphraseSaved', result.passphraseFile)] as const] : []),
      ]),
      ...result.warnings.map((w) => t('warning', w.code)),
    ]);
  },

  completion() {
    throw new Error('completion is printed by main, without loading the commands');
  },

  // The Azure commands' module loads the Azure SDKs: imported only when one runs.
  async 'azure credentials'(ctx, tools) {
    await (await import('./azure')).azureCredentials(ctx, tools);
  },

  async 'azure servers'(ctx, tools) {
    await (await import('./azure')).azureServers(ctx, tools);
  },

  async status({ output, signal }, tools) {
    const status = await (await tools.service(await tools.serverChoice())).status({ installFolder: tools.string('install-folder'), signal });
    const { state, config, remote } = status;
    output.done('status', status, [
      'vaultName' in state ? t('stateWithVault', state.kind, String(state.vaultName)) : t('state', state.kind),
      ...rows([
        ...(config ? [[t('labelServer'), config.serverName] as const, [t('labelMachine'), config.machineId] as const] : []),
        // Always: a state read in the wrong folder is told by its folder.
        [t('labelInstall'), config ? status.installFolder : t('noConfigurationThere', status.installFolder)],
        ...(config?.registration ? [[t('labelRegistration'), config.registration.id] as const] : []),
        ...(remote ? [[t('labelAtVault'), remote.ok ? remote.registration.status : t('atVaultUnknown', remote.error.code, errorText(remote.error))] as const] : []),
      ]),
    ]);
  },

  async unregister({ output, signal }, tools) {
    const result = await (await tools.service(await tools.serverChoice())).unregister({ installFolder: tools.string('install-folder'), signal, onProgress: (s) => output.progress(s) });
    output.done('unregister', result, [result.alreadyUnregistered ? t('notRegisteredLeftovers') : t('unregistered', String(result.registrationId), String(result.remote?.status))]);
  },
};

/** A check report: done when every step passed, else refused with its problem's code. */
async function reportChecks(output: Output, command: string, report: WithProblem<object>, text: string[]): Promise<void> {
  const { problem, ...rest } = report;
  if (!problem) return output.done(command, rest, text);
  const { withNextStep } = await import('../core/registration/errors');
  output.failed(command, withNextStep(problem).toJSON(), rest, text);
  throw new ReportedFailure();
}

function cacheLines(report: CacheFolderReport): string[] {
  const needs = report.availableBytes === undefined ? t('cacheNeeds', report.requiredBytes) : t('cacheNeedsAvailable', report.requiredBytes, report.availableBytes);
  const status = statusWords();
  return [
    t('cacheTitle', report.folder, t(report.ok ? 'ok' : 'refused'), needs),
    ...report.checks.map((c) => `  ${status.of(c.status)} ${c.check}${c.status === 'failed' ? `  [${c.code}] ${errorText(c)}` : ''}`),
  ];
}

function connectivityLines(report: ConnectivityReport): string[] {
  const verdict = t(report.ok ? 'ok' : 'failed');
  const status = statusWords();
  return [
    report.proxy ? t('connectivityThroughProxy', report.endpoint, report.proxy, verdict) : t('connectivityTitle', report.endpoint, verdict),
    ...report.stages.map((s) => `  ${status.of(s.status)} ${s.stage.padEnd(13)} ${s.code}${s.status === 'skipped' ? '' : ` ${t('durationMs', s.durationMs)}`}`),
  ];
}

/** A check's or stage's status in words, padded to one column (7 wide, as the English aligns). */
function statusWords(): { of(status: 'ok' | 'skipped' | 'failed'): string } {
  const words = { ok: t('checkOk'), skipped: t('checkSkipped'), failed: t('checkFailed') };
  const width = Math.max(7, ...Object.values(words).map((w) => w.length));
  return { of: (status) => words[status].padEnd(width) };
}

/**
 * The SetupSession over one SetupService, for the server being set up: this one (the local
 * target) or a remote one over SSH. It keeps what the admin chose in this window and turns every
 * core refusal into a Checked value; the service owns every rule. Changing the target rebuilds
 * the service and closes the SSH connection it replaces.
 */
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { parseProxySettings, type ProxyMode, type ProxySettings } from '../../../core/proxy/settings';
import { Secret } from '../../../core/secret';
import { proposedPassphraseFile } from '../../../core/passphrase/file';
import { generatePassphrase } from '../../../core/passphrase/generate';
import { SetupService, type ChangeInput, type ConfirmPassphraseLocation, type CredentialsSummary, type RegisterResult, type SetupInput, type SetupStatus } from '../../../core/service';
import { requireLocationConfirmed, ensurePassphraseFile, checkPassphraseRules, passphraseLocationWarnings } from '../../../core/service/passphrase';
import { validatePassphrase } from '../../../core/passphrase/validate';
import { summarise } from '../../../core/service/prepare';
import type { Target } from '../../../core/target/target';
import type { PresentedVaultCertificate, VerifiedVaultCa } from '../../../core/service';
import { proxyContext, proxyPassword, readSettings, writeProxySettings, writeTrustedCertificate } from '../settings';
import { asSetupError, checked, credentialsNotSelected, logLine, passphraseNotSet } from './checked';
import { localSessionTarget, type SessionTarget } from './target';
import type { VaultTrust } from './trust';
import type { Checked, PassphraseState, ProgressReporter, SessionSnapshot, SetupSession } from './types';

export interface SessionHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  trust: VaultTrust;
}

/** The selected credentials file, kept across windows: a path and what it said, nothing secret. */
interface RememberedCredentials {
  file: string;
  vaultName?: string;
  expiresAt?: string;
}
const CREDENTIALS_KEY = 'backupAgent.credentials';

/** What the setup wizard collected, planned before it is kept. */
export interface SetupChoices {
  installFolder?: string;
  cacheFolder?: string;
  dataSizeBytes?: number;
  proxy: ProxySettings;
  /** A remote server's name at the vault (empty: its host name). */
  serverName?: string;
}

interface HeldPassphrase {
  value: Secret;
  origin: 'generated' | 'typed';
  savedTo?: string;
}

export class Session implements SetupSession {
  private readonly emitter = new vscode.EventEmitter<SessionSnapshot>();
  readonly onDidChange = this.emitter.event;
  private readonly registered = new vscode.EventEmitter<{ target: SessionTarget; result: RegisterResult }>();
  /** A registration succeeded, on whichever target (the Servers list records remote ones). */
  readonly onDidRegister = this.registered.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.registered];
  /** The service and what it was built from (see serviceInputs). */
  private service?: { inputs: string; service: Promise<SetupService> };
  private active: SessionTarget;
  private credentials?: SessionSnapshot['credentials'];
  private cacheCheck?: SessionSnapshot['cacheCheck'];
  private dataSizeBytes?: number;
  private connectivity?: SessionSnapshot['connectivity'];
  private passphrase?: HeldPassphrase;
  private hasProxyPassword = false;
  private status?: SetupStatus;
  private busy?: SessionSnapshot['busy'];
  /** Resolves once the remembered choices are loaded. */
  readonly ready: Promise<void>;

  constructor(
    /** The window's extension context, log and vault trust (shared by every session of the window). */
    readonly host: SessionHost,
    target: SessionTarget = localSessionTarget(),
  ) {
    this.active = target;
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('backupAgent')) this.fire();
      }),
    );
    this.ready = this.load();
  }

  snapshot(): SessionSnapshot {
    const s = readSettings();
    const place = this.active.place();
    const { kind, target } = this.active;
    const held = this.passphrase;
    return {
      target: { kind, label: target.label, id: target.id },
      credentials: this.credentials,
      installFolder: place.installFolder,
      cacheFolder: place.cacheFolder,
      ...(kind === 'ssh' ? { serverName: place.serverName } : {}),
      dataSizeBytes: this.dataSizeBytes,
      cacheCheck: this.cacheCheck,
      proxy: { ...s.proxy, hasPassword: this.hasProxyPassword },
      connectivity: this.connectivity,
      passphrase: { ...(held ? passphraseState(held) : { present: false }), defaultFile: this.defaultPassphraseFile() },
      status: this.status,
      busy: this.busy,
    };
  }

  /** The credentials file as last remembered, for the "expired before registering" state. */
  rememberedCredentials(): RememberedCredentials | undefined {
    return this.host.context.globalState.get<RememberedCredentials>(CREDENTIALS_KEY);
  }

  async selectCredentials(file: string): Promise<Checked<CredentialsSummary>> {
    const service = await this.getService();
    const result = await checked(async () => summarise(await service.inspectCredentials(file)));
    this.credentials = { ...result, file };
    this.connectivity = undefined;
    // A refused file keeps what was read from it before (an expired file's vault name).
    const previous = this.rememberedCredentials();
    const remembered: RememberedCredentials = result.ok
      ? { file, vaultName: result.value.vaultName, expiresAt: result.value.expiresAt }
      : { ...(previous?.file === file ? previous : {}), file };
    await this.host.context.globalState.update(CREDENTIALS_KEY, remembered);
    this.log('credentials', result);
    this.fire();
    return result;
  }

  /** The server being set up (the session's SSH connection, when remote). */
  get target(): SessionTarget {
    return this.active;
  }

  /**
   * Sets up `next` from now on: the service is rebuilt for it, what was checked on the previous
   * server (status, cache folder, connectivity, data size) and the passphrase chosen for it are
   * forgotten, and the previous SSH connection is closed. The credentials file stays.
   */
  async useTarget(next: SessionTarget): Promise<void> {
    const previous = this.active;
    if (previous === next) return;
    this.active = next;
    this.service = undefined;
    this.status = undefined;
    this.cacheCheck = undefined;
    this.connectivity = undefined;
    this.dataSizeBytes = undefined;
    this.passphrase = undefined;
    this.fire();
    await closeTarget(previous.target, this.host.log);
  }

  /** Back to setting up this server. */
  useLocalTarget(): Promise<void> {
    return this.active.kind === 'local' ? Promise.resolve() : this.useTarget(localSessionTarget());
  }

  /** Another session over `target` in this window (same vault trust, log and credentials file); disposing it closes the target. */
  forTarget(target: SessionTarget): Session {
    return new Session(this.host, target);
  }

  async setInstallFolder(folder: string): Promise<void> {
    await this.active.setPlace({ installFolder: folder });
    this.status = undefined;
    this.fire();
  }

  /**
   * Checks and keeps the cache folder. Empty: the core's default inside the install folder is
   * checked and named in the result, and the setting stays empty so that it follows that folder.
   */
  async setCacheFolder(folder: string, data: { dataSizeBytes?: number; dataFolders?: string[] }, signal?: AbortSignal) {
    const service = await this.getService();
    const usesDefault = !folder.trim();
    const result = await checked(async () => {
      const checking = usesDefault ? (await service.installPlace({ installFolder: this.installFolder(), signal })).defaultCacheFolder : folder;
      const report = await service.checkCache(checking, data, { signal });
      if (report.problem) throw report.problem;
      return { folder: report.folder, usesDefault, requiredBytes: report.requiredBytes, availableBytes: report.availableBytes ?? 0 };
    });
    this.cacheCheck = result;
    if (result.ok) {
      this.dataSizeBytes = data.dataSizeBytes ?? this.dataSizeBytes;
      await this.active.setPlace({ cacheFolder: folder });
    }
    this.log('cache folder', result);
    this.fire();
    return result;
  }

  /**
   * Whether a proxy saved without a typed password keeps the stored one: an explicit proxy with
   * the stored password's user ("leave empty to keep it" on every surface).
   */
  keepsProxyPassword(proxy: { mode: ProxyMode; user: string }): boolean {
    const saved = readSettings().proxy;
    return this.hasProxyPassword && proxy.mode === 'settings' && saved.mode === 'settings' && Boolean(proxy.user) && proxy.user === saved.user;
  }

  /** `proxy` with the stored password filled in when it keeps it (see keepsProxyPassword). */
  private async withStoredPassword(proxy: ProxySettings): Promise<ProxySettings> {
    if (proxy.password || !this.keepsProxyPassword(proxy)) return proxy;
    const stored = await proxyPassword.get(this.host.context.secrets);
    return stored ? { ...proxy, password: new Secret(stored) } : proxy;
  }

  async setProxy(proxy: ProxySettings): Promise<void> {
    // Judged against the settings being replaced, so before writing them.
    const { password, ...values } = await this.withStoredPassword(parseProxySettings(proxy));
    await writeProxySettings(values);
    // The password is kept only for authenticated settings-mode proxies.
    const keep = values.mode === 'settings' && values.user ? password?.reveal() : undefined;
    await proxyPassword.set(this.host.context.secrets, keep);
    this.hasProxyPassword = Boolean(keep);
    this.connectivity = undefined;
    this.fire();
  }

  async testConnectivity(signal?: AbortSignal): Promise<NonNullable<SessionSnapshot['connectivity']>> {
    const file = this.credentialsFile();
    const result = await checked(async () => {
      if (!file) throw credentialsNotSelected();
      const service = await this.getService();
      const report = await service.checkConnectivity({ credentialsFile: file, proxy: await this.proxy() }, { signal, installFolder: this.installFolder() });
      const stages = report.stages.map((s) => ({ name: s.stage, status: s.status, durationMs: s.durationMs, ...(s.status === 'failed' ? { code: s.code } : {}) }));
      if (report.problem) throw report.problem;
      return { stages, checkedOn: report.checkedOn };
    });
    this.connectivity = result;
    this.log('connectivity', result);
    this.fire();
    return result;
  }

  /** The vault endpoint this window works with: the selected credentials file's, else the registered configuration's. */
  vaultEndpoint(): string | undefined {
    return (this.credentials?.ok ? this.credentials.value.endpoint : undefined) ?? this.status?.config?.vault?.endpoint;
  }

  /** What the vault endpoint presents (the top certificate it sends), over the configured proxy. */
  async presentedCertificate(endpoint: string, signal?: AbortSignal): Promise<Checked<PresentedVaultCertificate>> {
    return checked(async () => (await this.getService()).presentedCertificate({ endpoint, proxy: await this.proxy() }, { signal }));
  }

  /**
   * Trusts the CA in `file` for `endpoint`, once the core has checked that it verifies what the
   * endpoint presents; a file that does not is refused and nothing is written.
   */
  async trustCertificate(endpoint: string, file: string, signal?: AbortSignal): Promise<Checked<VerifiedVaultCa>> {
    const result = await checked(async () => {
      const verified = await (await this.getService()).verifyTrustedCertificate({ endpoint, proxy: await this.proxy() }, file, { signal });
      await writeTrustedCertificate(verified.endpoint, verified.file);
      return verified;
    });
    this.connectivity = undefined;
    this.log('trusted certificate', result);
    this.fire();
    return result;
  }

  generatePassphrase(): PassphraseState {
    // The service's rule (printable ASCII, 32 characters), without waiting for the service.
    const value = new Secret(generatePassphrase());
    this.passphrase = { value, origin: 'generated' };
    this.fire();
    return passphraseState(this.passphrase);
  }

  setPassphrase(value: Secret): Checked<PassphraseState> {
    try {
      checkPassphraseRules(value);
    } catch (err) {
      return { ok: false, error: asSetupError(err) };
    }
    this.passphrase = { value, origin: 'typed' };
    this.fire();
    return { ok: true, value: passphraseState(this.passphrase) };
  }

  revealPassphrase(): Secret | undefined {
    return this.passphrase?.value;
  }

  /**
   * The passphrase file offered when the user names none: in the admin's home folder on this
   * machine (never on the server it protects), named for the vault and a remote server, and a
   * name no file has yet, so a new passphrase is never offered the file of an earlier one.
   */
  defaultPassphraseFile(): string {
    const vault = this.credentials?.ok ? this.credentials.value.vaultName : os.hostname();
    const server = this.active.kind === 'ssh' ? [this.active.place().serverName || this.active.target.label] : [];
    return proposedPassphraseFile(os.homedir(), [vault, ...server]);
  }

  /**
   * Saves the passphrase now (0600, never over another file). Places the core warns about are
   * saved only when `confirm` accepts them.
   */
  async savePassphrase(file: string, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string }>> {
    const held = this.passphrase;
    const result = await checked(async () => {
      if (!held) throw passphraseNotSet();
      const place = this.active.place();
      const warnings = await passphraseLocationWarnings(file, this.active.target, {
        installFolder: place.installFolder || undefined,
        cacheFolder: place.cacheFolder || undefined,
        workspaceFolders: vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath),
      });
      await requireLocationConfirmed(warnings, confirm);
      const vaultName = this.credentials?.ok ? this.credentials.value.vaultName : '';
      // The name the core registers under (prepare.ts): the chosen one, else the server's host name.
      const serverName = place.serverName || (await this.active.target.facts()).hostname;
      const saved = await ensurePassphraseFile({ file, passphrase: held.value, vaultName, serverName, now: new Date() });
      return { file: saved };
    });
    if (result.ok && held) held.savedTo = result.value.file;
    this.log('passphrase file', result);
    this.fire();
    return result;
  }

  async plan() {
    return checked(async () => (await this.getService()).plan(await this.setupInput()));
  }

  /** The plan for choices not saved yet (the wizard's summary, before anything is kept). */
  async planFor(choices: SetupChoices) {
    return checked(async () => (await this.getService()).plan(await this.setupInput(choices)));
  }

  /** Keeps the wizard's choices: the target's folders (settings for this server), the proxy password, the data size. */
  async applyChoices(choices: SetupChoices): Promise<void> {
    await this.active.setPlace({ installFolder: choices.installFolder ?? '', cacheFolder: choices.cacheFolder ?? '', serverName: choices.serverName });
    if (choices.dataSizeBytes !== undefined) this.dataSizeBytes = choices.dataSizeBytes;
    await this.setProxy(choices.proxy);
  }

  async install(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<{ version: string }>> {
    return this.operation('install', progress, async (onProgress) => {
      const file = this.credentialsFile();
      if (!file) throw credentialsNotSelected();
      const service = await this.getService();
      const agent = await service.install({ credentialsFile: file, proxy: await this.proxy() }, { signal, onProgress, installFolder: this.installFolder() });
      return { version: agent.version };
    });
  }

  async register(progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('register', progress, async (onProgress) => {
      const service = await this.getService();
      // The file's place was confirmed when it was saved; the core asks again at register.
      const confirmPassphraseLocation = async () => Boolean(this.passphrase?.savedTo);
      return service.register(await this.setupInput(), { signal, onProgress, confirmPassphraseLocation });
    });
    if (result.ok) {
      this.registered.fire({ target: this.active, result: result.value });
      await this.refreshStatus(signal).catch(() => undefined);
    }
    return result;
  }

  /** Changes a set-up agent (proxy, cache folder, passphrase with a security PIN). */
  async change(input: ChangeInput, progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('change', progress, async (onProgress) => {
      const service = await this.getService();
      const confirmPassphraseLocation = async () => Boolean(this.passphrase?.savedTo);
      const kept = input.proxy ? { ...input, proxy: await this.withStoredPassword(input.proxy) } : input;
      return service.change(kept, { signal, onProgress, installFolder: this.installFolder(), confirmPassphraseLocation });
    });
    await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  async unregister(progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('unregister', progress, async (onProgress) =>
      (await this.getService()).unregister({ signal, onProgress, installFolder: this.installFolder() }),
    );
    await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  async refreshStatus(signal?: AbortSignal): Promise<SetupStatus> {
    const service = await this.getService();
    this.status = await service.status({ installFolder: this.installFolder(), signal });
    this.fire();
    return this.status;
  }

  /** The service, rebuilt whenever what it is built from changed (the trusted CAs, VS Code's proxy settings). */
  getService(): Promise<SetupService> {
    const inputs = this.serviceInputs();
    if (this.service?.inputs !== inputs) this.service = { inputs, service: this.createService() };
    return this.service.service;
  }

  /**
   * What the service is built from, compared on every use rather than trusted to a change event:
   * VS Code re-filters settings (a machine-scoped value in User settings of a remote window)
   * without reporting affectsConfiguration for the keys it drops.
   */
  private serviceInputs(): string {
    const { env: _env, ...http } = proxyContext();
    return JSON.stringify({ trust: this.host.trust.sources(), http });
  }

  /** The proxy to use: settings plus the password from SecretStorage. */
  async proxy(): Promise<ProxySettings> {
    const password = await proxyPassword.get(this.host.context.secrets);
    return parseProxySettings({ ...readSettings().proxy, ...(password ? { password } : {}) });
  }

  /** Forgets every choice held in memory or globalState (settings stay): a new user's session. */
  async reset(): Promise<void> {
    this.credentials = undefined;
    this.cacheCheck = undefined;
    this.connectivity = undefined;
    this.passphrase = undefined;
    this.status = undefined;
    this.dataSizeBytes = undefined;
    await this.host.context.globalState.update(CREDENTIALS_KEY, undefined);
    await this.useLocalTarget();
    this.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    void closeTarget(this.active.target, this.host.log);
  }

  /** Builds services over other targets with this window's settings (a fleet builds one per server). */
  serviceFactory(): (target: Target) => SetupService {
    const { context, log, trust } = this.host;
    const trusted = trust.sources();
    const downloadCacheDir = path.join(context.globalStorageUri.fsPath, 'downloads');
    return (target) => new SetupService({ target, logger: log, proxyContext: proxyContext(), trust: trusted, downloadCacheDir });
  }

  private async createService(): Promise<SetupService> {
    return this.serviceFactory()(this.active.target);
  }

  private installFolder(): string | undefined {
    return this.active.place().installFolder || undefined;
  }

  private credentialsFile(): string | undefined {
    return this.credentials?.file;
  }

  private async setupInput(choices?: SetupChoices): Promise<SetupInput> {
    const file = this.credentialsFile();
    if (!file) throw credentialsNotSelected();
    if (!this.passphrase) throw passphraseNotSet();
    const place = this.active.place();
    return {
      credentialsFile: file,
      installFolder: (choices ? choices.installFolder : place.installFolder) || undefined,
      cacheFolder: (choices ? choices.cacheFolder : place.cacheFolder) || undefined,
      serverName: (choices?.serverName ?? place.serverName) || undefined,
      dataSizeBytes: choices?.dataSizeBytes ?? this.dataSizeBytes,
      proxy: choices ? await this.withStoredPassword(choices.proxy) : await this.proxy(),
      passphrase: { value: this.passphrase.value },
      passphraseFile: this.passphrase.savedTo,
    };
  }

  private async operation<T>(name: string, progress: ProgressReporter, run: (onProgress: (stage: string, detail?: Record<string, unknown>) => void) => Promise<T>): Promise<Checked<T>> {
    this.busy = { operation: name, stage: '' };
    this.fire();
    try {
      const result = await checked(() =>
        run((stage, detail) => {
          if (this.busy?.stage !== stage) {
            this.busy = { operation: name, stage };
            this.fire();
          }
          progress.report(stage, detail);
        }),
      );
      this.log(name, result);
      return result;
    } finally {
      this.busy = undefined;
      this.fire();
    }
  }

  private async load(): Promise<void> {
    this.hasProxyPassword = Boolean(await proxyPassword.get(this.host.context.secrets).then(undefined, () => undefined));
    const remembered = this.rememberedCredentials();
    if (remembered) {
      const service = await this.getService();
      const result = await checked(async () => summarise(await service.inspectCredentials(remembered.file)));
      this.credentials = { ...result, file: remembered.file };
    }
    this.fire();
  }

  private log(what: string, result: Checked<unknown>): void {
    if (result.ok) this.host.log.info(`${what}: ok`);
    else this.host.log.warn(`${what}: ${logLine(result.error)}`);
  }

  private fire(): void {
    this.emitter.fire(this.snapshot());
  }
}

/** Closes an SSH connection that is no longer used; the local target has nothing to close. */
async function closeTarget(target: Target, log: vscode.LogOutputChannel): Promise<void> {
  if (target.isLocal) return;
  await target.close().catch((err) => log.warn(`Closing the connection to ${target.label} failed: ${err instanceof Error ? err.message : String(err)}`));
}

function passphraseState(held: HeldPassphrase): PassphraseState {
  const v = validatePassphrase(held.value.reveal());
  return { present: true, origin: held.origin, strengthBits: Math.round(v.strengthBits), weak: v.weak, savedTo: held.savedTo };
}

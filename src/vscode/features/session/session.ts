/**
 * The SetupSession over one SetupService (the local target). It keeps what the admin chose in
 * this window and turns every core refusal into a Checked value; the service owns every rule.
 */
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { parseProxySettings, type ProxySettings } from '../../../core/proxy/settings';
import { Secret } from '../../../core/proxy/secret';
import { generatePassphrase } from '../../../core/passphrase/generate';
import { SetupService, type ChangeInput, type ConfirmPassphraseLocation, type CredentialsSummary, type SetupInput, type SetupStatus } from '../../../core/service';
import { confirmLocation, ensurePassphraseFile, checkPassphraseRules, passphraseLocationWarnings } from '../../../core/service/passphrase';
import { validatePassphrase } from '../../../core/passphrase/validate';
import { summarise } from '../../../core/service/prepare';
import { LocalTarget } from '../../../core/target/local';
import { proxyContext, proxyPassword, readSettings, writeProxySettings, writeSetting } from '../settings';
import { asSetupError, checked, credentialsNotSelected, passphraseNotSet } from './checked';
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
}

interface HeldPassphrase {
  value: Secret;
  origin: 'generated' | 'typed';
  savedTo?: string;
}

export class Session implements SetupSession {
  private readonly emitter = new vscode.EventEmitter<SessionSnapshot>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private service?: Promise<SetupService>;
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

  constructor(private readonly host: SessionHost) {
    this.disposables.push(
      host.trust.onDidChange(() => (this.service = undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('backupAgent.vault.caFile') || e.affectsConfiguration('http')) this.service = undefined;
        if (e.affectsConfiguration('backupAgent')) this.fire();
      }),
    );
    this.ready = this.load();
  }

  snapshot(): SessionSnapshot {
    const s = readSettings();
    const held = this.passphrase;
    return {
      credentials: this.credentials,
      installFolder: s.installFolder,
      cacheFolder: s.cacheFolder,
      dataSizeBytes: this.dataSizeBytes,
      cacheCheck: this.cacheCheck,
      proxy: { ...s.proxy, hasPassword: this.hasProxyPassword },
      connectivity: this.connectivity,
      passphrase: held ? passphraseState(held) : { present: false },
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

  async setInstallFolder(folder: string): Promise<void> {
    await writeSetting('installFolder', folder.trim());
    this.status = undefined;
    this.fire();
  }

  async setCacheFolder(folder: string, data: { dataSizeBytes?: number; dataFolders?: string[] }, signal?: AbortSignal) {
    const service = await this.getService();
    const result = await checked(async () => {
      const report = await service.checkCache(folder, data, { signal });
      if (report.problem) throw report.problem;
      return { requiredBytes: report.requiredBytes, availableBytes: report.availableBytes ?? 0 };
    });
    this.cacheCheck = result;
    if (result.ok) {
      this.dataSizeBytes = data.dataSizeBytes ?? this.dataSizeBytes;
      await writeSetting('cacheFolder', folder.trim());
    }
    this.log('cache folder', result);
    this.fire();
    return result;
  }

  async setProxy(proxy: ProxySettings): Promise<void> {
    const { password, ...values } = parseProxySettings(proxy);
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
      const report = await service.checkConnectivity({ credentialsFile: file, proxy: await this.proxy() }, { signal });
      const stages = report.stages.map((s) => ({ name: s.stage, status: s.status, durationMs: s.durationMs, ...(s.status === 'failed' ? { code: s.code } : {}) }));
      if (report.problem) throw report.problem;
      return { stages };
    });
    this.connectivity = result;
    this.log('connectivity', result);
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
   * Saves the passphrase now (0600, never over another file). Places the core warns about are
   * saved only when `confirm` accepts them.
   */
  async savePassphrase(file: string, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string }>> {
    const held = this.passphrase;
    const result = await checked(async () => {
      if (!held) throw passphraseNotSet();
      const s = readSettings();
      const warnings = await passphraseLocationWarnings(file, {
        installFolder: s.installFolder || undefined,
        cacheFolder: s.cacheFolder || undefined,
        workspaceFolders: vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath),
        remoteServer: true,
      });
      await confirmLocation(warnings, confirm);
      const vaultName = this.credentials?.ok ? this.credentials.value.vaultName : '';
      const saved = await ensurePassphraseFile({ file, passphrase: held.value, vaultName, serverName: os.hostname(), now: new Date() });
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

  /** Keeps the wizard's choices: settings, the proxy password, the data size. */
  async applyChoices(choices: SetupChoices): Promise<void> {
    await writeSetting('installFolder', choices.installFolder ?? '');
    await writeSetting('cacheFolder', choices.cacheFolder ?? '');
    if (choices.dataSizeBytes !== undefined) this.dataSizeBytes = choices.dataSizeBytes;
    await this.setProxy(choices.proxy);
  }

  async install(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<{ version: string }>> {
    return this.operation('install', progress, async (onProgress) => {
      const file = this.credentialsFile();
      if (!file) throw credentialsNotSelected();
      const service = await this.getService();
      const agent = await service.install({ credentialsFile: file, proxy: await this.proxy() }, { signal, onProgress, installFolder: readSettings().installFolder || undefined });
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
    if (result.ok) await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  /** Changes a set-up agent (proxy, cache folder, passphrase with a security PIN). */
  async change(input: ChangeInput, progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('change', progress, async (onProgress) => {
      const service = await this.getService();
      const confirmPassphraseLocation = async () => Boolean(this.passphrase?.savedTo);
      return service.change(input, { signal, onProgress, installFolder: readSettings().installFolder || undefined, confirmPassphraseLocation });
    });
    await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  async unregister(progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('unregister', progress, async (onProgress) =>
      (await this.getService()).unregister({ signal, onProgress, installFolder: readSettings().installFolder || undefined }),
    );
    await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  async refreshStatus(signal?: AbortSignal): Promise<SetupStatus> {
    const service = await this.getService();
    this.status = await service.status({ installFolder: readSettings().installFolder || undefined, signal });
    this.fire();
    return this.status;
  }

  /** The service, rebuilt when the trusted CAs or VS Code's proxy settings change. */
  getService(): Promise<SetupService> {
    return (this.service ??= this.createService());
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
    this.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async createService(): Promise<SetupService> {
    const { context, log, trust } = this.host;
    const ca = await trust.pems(readSettings().vaultCaFile, log);
    return new SetupService({
      target: new LocalTarget(),
      logger: log,
      proxyContext: proxyContext(),
      trust: ca ? { ca } : undefined,
      downloadCacheDir: path.join(context.globalStorageUri.fsPath, 'downloads'),
    });
  }

  private credentialsFile(): string | undefined {
    return this.credentials?.file;
  }

  private async setupInput(choices?: SetupChoices): Promise<SetupInput> {
    const file = this.credentialsFile();
    if (!file) throw credentialsNotSelected();
    if (!this.passphrase) throw passphraseNotSet();
    const s = readSettings();
    return {
      credentialsFile: file,
      installFolder: (choices ? choices.installFolder : s.installFolder) || undefined,
      cacheFolder: (choices ? choices.cacheFolder : s.cacheFolder) || undefined,
      dataSizeBytes: choices?.dataSizeBytes ?? this.dataSizeBytes,
      proxy: choices?.proxy ?? (await this.proxy()),
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
    else this.host.log.warn(`${what}: ${result.error.code}: ${result.error.message}`);
  }

  private fire(): void {
    this.emitter.fire(this.snapshot());
  }
}

function passphraseState(held: HeldPassphrase): PassphraseState {
  const v = validatePassphrase(held.value.reveal());
  return { present: true, origin: held.origin, strengthBits: Math.round(v.strengthBits), weak: v.weak, savedTo: held.savedTo };
}

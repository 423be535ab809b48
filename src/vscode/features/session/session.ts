/**
 * The SetupSession over one SetupService, for the server being set up: this one (the local
 * target) or a remote one over SSH. It coordinates what the admin chose in this window (each
 * part kept by its own small class) and turns every core refusal into a Checked value; the
 * service owns every rule. Changing the target rebuilds the service and closes the SSH
 * connection it replaces.
 */
import * as vscode from 'vscode';
import type {
  BackendChoice,
  ChangeInput,
  ConfirmPassphraseLocation,
  DescribedCredentials,
  PassphraseLocationWarning,
  PresentedVaultCertificate,
  ProxyMode,
  ProxySettings,
  RegisterResult,
  Secret,
  SetupInput,
  SetupService,
  SetupStatus,
  VerifiedVaultCa,
} from '../../../core/service';
import { statusChoice } from '../../../core/service';
import { writeTrustedCertificate } from '../settings';
import { ActiveTarget, type ServiceFactory } from './activeTarget';
import { BusyTracker, type OnProgress } from './busy';
import { checked, credentialsNotSelected, logLine } from './checked';
import { defaultPassphraseFile, PassphraseKeeper, type ChosenPassphrase } from './passphraseKeeper';
import { ProxyChoice } from './proxyChoice';
import { RememberedCredentialsStore, type RememberedCredentials } from './rememberedCredentials';
import { checkPassphraseFile, savePassphraseFile } from './passphraseFiles';
import { assembleSetupInput } from './setupInput';
import { SessionChecks, snapshotOf } from './snapshot';
import { localSessionTarget, type SessionTarget } from './target';
import { checkCacheFolder, checkConnectivity } from './targetChecks';
import type { Checked, CheckedCacheFolder, PassphraseState, ProgressReporter, SessionHost, SessionSnapshot, SetupChoices, SetupSession } from './types';

export class Session implements SetupSession {
  private readonly emitter = new vscode.EventEmitter<SessionSnapshot>();
  readonly onDidChange = this.emitter.event;
  private readonly registered = new vscode.EventEmitter<{ target: SessionTarget; result: RegisterResult }>();
  /** A registration succeeded, on whichever target (the Servers list records remote ones). */
  readonly onDidRegister = this.registered.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.registered];
  private readonly targets: ActiveTarget;
  private readonly checks = new SessionChecks();
  private readonly passphrase = new PassphraseKeeper();
  private readonly proxyChoice: ProxyChoice;
  private readonly remembered: RememberedCredentialsStore;
  private readonly busy = new BusyTracker(() => this.fire());
  /** Resolves once the remembered choices are loaded. */
  readonly ready: Promise<void>;

  constructor(
    /** The window's extension context, log, vault trust and service factory (shared by every session of the window). */
    readonly host: SessionHost,
    target: SessionTarget = localSessionTarget(),
  ) {
    this.targets = new ActiveTarget(target, host.createService, host.log);
    this.proxyChoice = new ProxyChoice(host.context.secrets);
    this.remembered = new RememberedCredentialsStore(host.context.globalState);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('backupAgent')) this.fire();
      }),
    );
    this.ready = this.load();
  }

  snapshot(): SessionSnapshot {
    return snapshotOf({
      target: this.targets.current,
      checks: this.checks,
      proxy: this.proxyChoice.shown(),
      passphrase: { ...this.passphrase.state(), defaultFile: this.defaultPassphraseFile() },
      busy: this.busy.current,
    });
  }

  /** The credentials file as last remembered, for the "expired before registering" state. */
  rememberedCredentials(): RememberedCredentials | undefined {
    return this.remembered.get();
  }

  /**
   * What `file` says, checked by the core with the service of the file's own vault service (an
   * Azure file gets the Azure backend and, on a Windows server, the MARS agent); nothing is
   * selected or remembered.
   */
  async checkCredentials(file: string, signal?: AbortSignal): Promise<Checked<DescribedCredentials>> {
    // A file that cannot be read has no vault service: the current service's check says why.
    const choice = await (await this.getService()).fileChoice(file, { signal }).catch(() => undefined);
    const service = this.targets.getService(choice);
    return checked(() => service.describeCredentials(file, { signal }));
  }

  async selectCredentials(file: string): Promise<Checked<DescribedCredentials>> {
    const result = await this.checkCredentials(file);
    this.checks.credentials = { ...result, file };
    this.checks.connectivity = undefined;
    await this.remembered.remember(file, result);
    this.log('credentials', result);
    this.fire();
    return result;
  }

  /** The server being set up (the session's SSH connection, when remote). */
  get target(): SessionTarget {
    return this.targets.current;
  }

  /**
   * Sets up `next` from now on: the service is rebuilt for it, what was checked on the previous
   * server (status, cache folder, connectivity, data size) and the passphrase chosen for it are
   * forgotten, and the previous SSH connection is closed. The credentials file stays.
   */
  async useTarget(next: SessionTarget): Promise<void> {
    const previous = this.targets.switchTo(next);
    if (!previous) return;
    this.checks.forgetTarget();
    this.passphrase.forget();
    this.fire();
    await this.targets.close(previous);
  }

  /** Back to setting up this server. */
  useLocalTarget(): Promise<void> {
    return this.target.kind === 'local' ? Promise.resolve() : this.useTarget(localSessionTarget());
  }

  /** Another session over `target` in this window (same vault trust, log and credentials file); disposing it closes the target. */
  forTarget(target: SessionTarget): Session {
    return new Session(this.host, target);
  }

  async setInstallFolder(folder: string): Promise<void> {
    await this.target.setPlace({ installFolder: folder });
    this.checks.status = undefined;
    this.fire();
  }

  /**
   * Checks and keeps the cache folder. Empty: the core's default inside the install folder is
   * checked and named in the result, and the setting stays empty so that it follows that folder.
   */
  async setCacheFolder(folder: string, data: { dataSizeBytes?: number; dataFolders?: string[] }, signal?: AbortSignal): Promise<Checked<CheckedCacheFolder>> {
    const result = await checkCacheFolder(await this.getService(), folder, data, { installFolder: this.targets.installFolder(), signal });
    this.checks.cacheCheck = result;
    if (result.ok) {
      this.checks.dataSizeBytes = data.dataSizeBytes ?? this.checks.dataSizeBytes;
      await this.target.setPlace({ cacheFolder: folder });
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
    return this.proxyChoice.keepsPassword(proxy);
  }

  async setProxy(proxy: ProxySettings): Promise<void> {
    await this.proxyChoice.set(proxy);
    this.checks.connectivity = undefined;
    this.fire();
  }

  /** The proxy to use: settings plus the password from SecretStorage. */
  proxy(): Promise<ProxySettings> {
    return this.proxyChoice.current();
  }

  async testConnectivity(signal?: AbortSignal): Promise<NonNullable<SessionSnapshot['connectivity']>> {
    const file = this.checks.credentials?.file;
    const result = file
      ? await checkConnectivity(await this.getService(), { credentialsFile: file, proxy: await this.proxy() }, { signal, installFolder: this.targets.installFolder() })
      : { ok: false as const, error: credentialsNotSelected() };
    this.checks.connectivity = result;
    this.log('connectivity', result);
    this.fire();
    return result;
  }

  /** The vault endpoint this window works with: the selected credentials file's, else the registered configuration's. */
  vaultEndpoint(): string | undefined {
    const { credentials, status } = this.checks;
    return (credentials?.ok ? credentials.value.endpoint : undefined) ?? status?.config?.vault?.endpoint;
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
    this.checks.connectivity = undefined;
    this.log('trusted certificate', result);
    this.fire();
    return result;
  }

  generatePassphrase(): PassphraseState {
    return this.keepPassphrase(PassphraseKeeper.generate()).ok ? this.passphrase.state() : { present: false };
  }

  setPassphrase(value: Secret): Checked<PassphraseState> {
    return this.keepPassphrase({ value, origin: 'typed' });
  }

  /** Keeps a passphrase chosen elsewhere (the wizard's answer) once the core's rules accept it. */
  keepPassphrase(chosen: ChosenPassphrase): Checked<PassphraseState> {
    const result = this.passphrase.keep(chosen);
    if (result.ok) this.fire();
    return result;
  }

  /** The passphrase held, with its origin and file, for a surface that offers to use it again. */
  chosenPassphrase(): (ChosenPassphrase & { savedTo?: string }) | undefined {
    return this.passphrase.chosen();
  }

  revealPassphrase(): Secret | undefined {
    return this.passphrase.reveal();
  }

  /**
   * The passphrase file offered when the user names none (see passphraseKeeper.ts), named for
   * `vaultName`, else the selected credentials file's vault.
   */
  defaultPassphraseFile(vaultName = this.checks.vaultName()): string {
    return defaultPassphraseFile(vaultName, this.target);
  }

  /**
   * Checks a place for `passphrase`'s file without writing it: the core's location warnings
   * confirmed through `confirm`, no other file there.
   */
  async checkPassphraseFile(file: string, passphrase: Secret, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string; warnings: PassphraseLocationWarning[] }>> {
    return checkPassphraseFile(await this.getService(), this.target, { file, passphrase, confirm });
  }

  /**
   * Saves the passphrase held now (0600, never over another file). Places the core warns about
   * are saved only when `confirm` accepts them.
   */
  async savePassphrase(file: string, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string }>> {
    const result = await savePassphraseFile(await this.getService(), this.target, this.passphrase, { file, vaultName: this.checks.vaultName() ?? '', confirm });
    this.log('passphrase file', result);
    this.fire();
    return result;
  }

  async plan() {
    return checked(async () => (await this.getService()).plan(await this.setupInput()));
  }

  /** The plan for choices not kept yet (the wizard's summary, before anything changes). */
  async planFor(choices: SetupChoices) {
    return checked(async () => (await this.getService()).plan(await this.setupInput(choices)));
  }

  /** Keeps the wizard's folder, data size and proxy choices: the target's folders (settings for this server), the proxy password, the data size. */
  async applyChoices(choices: SetupChoices): Promise<void> {
    await this.target.setPlace({ installFolder: choices.installFolder ?? '', cacheFolder: choices.cacheFolder ?? '', serverName: choices.serverName });
    if (choices.dataSizeBytes !== undefined) this.checks.dataSizeBytes = choices.dataSizeBytes;
    await this.setProxy(choices.proxy);
  }

  async install(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<{ version: string }>> {
    return this.operation('install', progress, async (onProgress) => {
      const file = this.checks.credentials?.file;
      if (!file) throw credentialsNotSelected();
      const service = await this.getService();
      const agent = await service.install({ credentialsFile: file, proxy: await this.proxy() }, { signal, onProgress, installFolder: this.targets.installFolder() });
      return { version: agent.version };
    });
  }

  async register(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<RegisterResult>> {
    const result = await this.operation('register', progress, async (onProgress) => {
      const service = await this.getService();
      return service.register(await this.setupInput(), { signal, onProgress, confirmPassphraseLocation: this.confirmSavedLocation() });
    });
    if (result.ok) {
      this.registered.fire({ target: this.target, result: result.value });
      await this.refreshStatus(signal).catch(() => undefined);
    }
    return result;
  }

  /** Changes a set-up agent (proxy, cache folder, passphrase with a security PIN). */
  async change(input: ChangeInput, progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('change', progress, async (onProgress) => {
      const service = await this.installedService();
      const kept = input.proxy ? { ...input, proxy: await this.proxyChoice.withStoredPassword(input.proxy) } : input;
      return service.change(kept, { signal, onProgress, installFolder: this.targets.installFolder(), confirmPassphraseLocation: this.confirmSavedLocation() });
    });
    await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  async unregister(progress: ProgressReporter, signal: AbortSignal) {
    const result = await this.operation('unregister', progress, async (onProgress) =>
      (await this.installedService()).unregister({ signal, onProgress, installFolder: this.targets.installFolder() }),
    );
    await this.refreshStatus(signal).catch(() => undefined);
    return result;
  }

  async refreshStatus(signal?: AbortSignal): Promise<SetupStatus> {
    const service = await this.installedService();
    this.checks.status = await service.status({ installFolder: this.targets.installFolder(), signal });
    this.fire();
    return this.checks.status;
  }

  /**
   * The service over the session's target for the selected file's vault service, rebuilt whenever
   * what it is built from changed (the file's vault service, the trusted CAs, VS Code's proxy settings).
   */
  async getService(): Promise<SetupService> {
    return this.targets.getService(this.backendChoice() ?? (await this.platformChoice()));
  }

  /**
   * The service for the agent installed on the target, whichever file is selected: the vault
   * service whose agent runs on its system (status, change and unregister of a registered server).
   */
  private async installedService(): Promise<SetupService> {
    const choice = await this.platformChoice();
    return choice ? this.targets.getService(choice) : this.getService();
  }

  /**
   * Before a file passed: the vault service whose agent runs on the target's system (the core's
   * statusChoice), so a registered Windows server's status, change and unregister go through
   * MARS. A target that cannot say (connection lost) gets the default; its own calls say why.
   */
  private async platformChoice(): Promise<BackendChoice | undefined> {
    const facts = await this.target.target.facts().catch(() => undefined);
    return facts && statusChoice(facts);
  }

  /** The selected file's vault service and agent, as its check found them (none before a file passed). */
  private backendChoice(): BackendChoice | undefined {
    const selected = this.checks.credentials;
    return selected?.ok ? { backend: selected.value.backend, agent: selected.value.agent } : undefined;
  }

  /** Builds services over other targets with this window's settings (a fleet builds one per server). */
  serviceFactory(): ServiceFactory {
    return this.host.createService;
  }

  /** Forgets every choice held in memory or globalState (settings stay): a new user's session. */
  async reset(): Promise<void> {
    this.checks.forgetAll();
    this.passphrase.forget();
    await this.remembered.forget();
    await this.useLocalTarget();
    this.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.targets.dispose();
  }

  /** The file's place was confirmed when it was saved; the core asks again at register. */
  private confirmSavedLocation(): ConfirmPassphraseLocation {
    return async () => Boolean(this.passphrase.savedTo());
  }

  /** The setup input from what the session holds, or from `choices` not kept yet where they say. */
  private setupInput(choices?: SetupChoices): Promise<SetupInput> {
    return assembleSetupInput(
      {
        credentialsFile: this.checks.credentials?.file,
        passphrase: this.passphrase.reveal(),
        passphraseFile: this.passphrase.savedTo(),
        place: this.target.place(),
        dataSizeBytes: this.checks.dataSizeBytes,
        proxy: () => this.proxy(),
        withStoredPassword: (proxy) => this.proxyChoice.withStoredPassword(proxy),
      },
      choices,
    );
  }

  private async operation<T>(name: string, progress: ProgressReporter, run: (onProgress: OnProgress) => Promise<T>): Promise<Checked<T>> {
    const result = await this.busy.track(name, progress, run);
    this.log(name, result);
    return result;
  }

  private async load(): Promise<void> {
    await this.proxyChoice.load();
    const remembered = this.remembered.get();
    if (remembered) {
      const result = await this.checkCredentials(remembered.file);
      this.checks.credentials = { ...result, file: remembered.file };
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

/**
 * The setup session: what the admin has chosen so far in this window, shared by every surface
 * (the Quick Input wizard, the single commands, the setup page, the status bar). Each
 * surface reads it and calls its actions; the actions call the SetupService, which owns every
 * rule. Non-secret choices persist in machine-scoped settings or globalState; the passphrase
 * lives only in memory (as a Secret) and the proxy password only in SecretStorage.
 */
import type * as vscode from 'vscode';
import type { ChangeInput, ChangeResult, ConfirmPassphraseLocation, DescribedCredentials, PassphraseLocationWarning, PresentedVaultCertificate, ProxyMode, ProxySettings, RegisterResult, Secret, SetupError, SetupPlan, SetupService, SetupStatus, UnregisterResult, VerifiedVaultCa } from '../../../core/service';
import type { ServiceFactory } from './activeTarget';
import type { ChosenPassphrase } from './passphraseKeeper';
import type { RememberedCredentials } from './rememberedCredentials';
import type { SessionTarget } from './target';
import type { VaultTrust } from './trust';

/** The result of a core check, ready for any surface to show. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: SetupError };

export interface PassphraseState {
  /** A passphrase is held in memory (generated or typed). Its value is never part of the snapshot. */
  present: boolean;
  origin?: 'generated' | 'typed';
  strengthBits?: number;
  weak?: boolean;
  /** Where it was saved, once it was. */
  savedTo?: string;
}

/** A cache folder the core checked; `usesDefault` when none was chosen and it is the core's default. */
export interface CheckedCacheFolder {
  folder: string;
  usesDefault: boolean;
  requiredBytes: number;
  availableBytes: number;
}

/** Everything a surface needs to render the session; it holds no secret and can go to a webview. */
export interface SessionSnapshot {
  /** The server being set up: this one, or a remote one over SSH (`id`: "local" or "ssh://user@host:port"). */
  target: { kind: 'local' | 'ssh'; label: string; id: string };
  credentials?: Checked<DescribedCredentials> & { file: string };
  installFolder: string;
  cacheFolder: string;
  /** A remote server's name at the vault (empty: its host name). */
  serverName?: string;
  dataSizeBytes?: number;
  cacheCheck?: Checked<CheckedCacheFolder>;
  proxy: Omit<ProxySettings, 'password'> & { hasPassword: boolean };
  /** `checkedOn: 'admin'`: checked from this computer, as the remote server has no agent yet; `adminOnly`: its agent (MARS) has no check run from the server. */
  connectivity?: Checked<{ stages: Array<{ name: string; status: 'ok' | 'failed' | 'skipped'; durationMs: number; code?: string }>; checkedOn: 'target' | 'admin' | 'adminOnly' }>;
  /** `defaultFile`: where saving the passphrase offers to put it when the user names no file. */
  passphrase: PassphraseState & { defaultFile: string };
  status?: SetupStatus;
  /** An operation (register, install…) in progress, with its current stage. */
  busy?: { operation: string; stage: string };
}

export interface ProgressReporter {
  report(stage: string, detail?: Record<string, unknown>): void;
}

/** What every session of a window shares: the extension context, the log, the vault trust and the service factory. */
export interface SessionHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  trust: VaultTrust;
  /** Built by the window's composition root (features/index.ts). */
  createService: ServiceFactory;
}

/** What the setup wizard collected, planned before it is kept. */
export interface SetupChoices {
  /** The credentials file chosen in the wizard (else the session's). */
  credentialsFile?: string;
  installFolder?: string;
  cacheFolder?: string;
  dataSizeBytes?: number;
  proxy: ProxySettings;
  /** A remote server's name at the vault (empty: its host name). */
  serverName?: string;
  /** The passphrase chosen in the wizard (else the session's), and the file it is to be saved to. */
  passphrase?: { value: Secret; file?: string };
}

export interface SetupSession extends vscode.Disposable {
  readonly onDidChange: vscode.Event<SessionSnapshot>;
  /** A registration succeeded, on whichever target. */
  readonly onDidRegister: vscode.Event<{ target: SessionTarget; result: RegisterResult }>;
  /** Resolves once the remembered choices are loaded. */
  readonly ready: Promise<void>;
  readonly host: SessionHost;
  /** The server being set up (the session's SSH connection, when remote). */
  readonly target: SessionTarget;
  snapshot(): SessionSnapshot;

  /** Sets up `next` from now on (what was checked on the previous server is forgotten). */
  useTarget(next: SessionTarget): Promise<void>;
  useLocalTarget(): Promise<void>;
  /** Another session over `target` in this window; disposing it closes the target. */
  forTarget(target: SessionTarget): SetupSession;
  /** The service over the session's target (for checks that change nothing). */
  getService(): Promise<SetupService>;
  /** Builds services over other targets with this window's settings. */
  serviceFactory(): ServiceFactory;

  rememberedCredentials(): RememberedCredentials | undefined;
  /** What `file` says, checked by the core; nothing is selected or remembered. */
  checkCredentials(file: string, signal?: AbortSignal): Promise<Checked<DescribedCredentials>>;
  selectCredentials(file: string): Promise<Checked<DescribedCredentials>>;
  setInstallFolder(folder: string): Promise<void>;
  /** Empty `folder`: the core's default cache folder (the setting stays empty). */
  setCacheFolder(folder: string, data: { dataSizeBytes?: number; dataFolders?: string[] }, signal?: AbortSignal): Promise<Checked<CheckedCacheFolder>>;
  /** Saves the proxy (settings + SecretStorage for the password; none typed keeps the stored one for the same proxy user). */
  setProxy(proxy: ProxySettings): Promise<void>;
  /** Whether a proxy saved without a typed password keeps the stored one. */
  keepsProxyPassword(proxy: { mode: ProxyMode; user: string }): boolean;
  /** The proxy to use: settings plus the password from SecretStorage. */
  proxy(): Promise<ProxySettings>;
  testConnectivity(signal?: AbortSignal): Promise<NonNullable<SessionSnapshot['connectivity']>>;
  vaultEndpoint(): string | undefined;
  presentedCertificate(endpoint: string, signal?: AbortSignal): Promise<Checked<PresentedVaultCertificate>>;
  trustCertificate(endpoint: string, file: string, signal?: AbortSignal): Promise<Checked<VerifiedVaultCa>>;
  generatePassphrase(): PassphraseState;
  setPassphrase(value: Secret): Checked<PassphraseState>;
  /** Keeps a passphrase chosen elsewhere (the wizard's answer) once the core's rules accept it. */
  keepPassphrase(chosen: ChosenPassphrase): Checked<PassphraseState>;
  /** The passphrase held, with its origin and file, for a surface that offers to use it again. */
  chosenPassphrase(): (ChosenPassphrase & { savedTo?: string }) | undefined;
  /** Hands the passphrase to the one caller that shows or copies it on the user's request. */
  revealPassphrase(): Secret | undefined;
  /** Where saving offers to put the passphrase file, named for `vaultName` (else the selected credentials' vault). */
  defaultPassphraseFile(vaultName?: string): string;
  /** Checks a place for `passphrase`'s file, writing nothing; places the core warns about need `confirm` to accept. */
  checkPassphraseFile(file: string, passphrase: Secret, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string; warnings: PassphraseLocationWarning[] }>>;
  /** Saves now (0600, never over another file); places the core warns about need `confirm` to accept. */
  savePassphrase(file: string, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string }>>;
  plan(): Promise<Checked<SetupPlan>>;
  /** The plan for choices not kept yet (nothing changes). */
  planFor(choices: SetupChoices): Promise<Checked<SetupPlan>>;
  /** Keeps the wizard's folders, data size and proxy. */
  applyChoices(choices: SetupChoices): Promise<void>;
  install(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<{ version: string }>>;
  register(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<RegisterResult>>;
  change(input: ChangeInput, progress: ProgressReporter, signal: AbortSignal): Promise<Checked<ChangeResult>>;
  unregister(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<UnregisterResult>>;
  refreshStatus(signal?: AbortSignal): Promise<SetupStatus>;
  /** Forgets every choice held in memory or globalState (settings stay). */
  reset(): Promise<void>;
}

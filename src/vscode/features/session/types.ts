/**
 * The setup session: what the admin has chosen so far in this window, shared by every surface
 * (the Quick Input wizard, the single commands, the setup page, the status bar). Each
 * surface reads it and calls its actions; the actions call the SetupService, which owns every
 * rule. Non-secret choices persist in machine-scoped settings or globalState; the passphrase
 * lives only in memory (as a Secret) and the proxy password only in SecretStorage.
 */
import type * as vscode from 'vscode';
import type { SetupError } from '../../../core/errors';
import type { Secret } from '../../../core/secret';
import type { ProxySettings } from '../../../core/proxy/settings';
import type { ConfirmPassphraseLocation, CredentialsSummary, RegisterResult, SetupPlan, SetupStatus } from '../../../core/service';

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
  credentials?: Checked<CredentialsSummary> & { file: string };
  installFolder: string;
  cacheFolder: string;
  /** A remote server's name at the vault (empty: its host name). */
  serverName?: string;
  dataSizeBytes?: number;
  cacheCheck?: Checked<CheckedCacheFolder>;
  proxy: Omit<ProxySettings, 'password'> & { hasPassword: boolean };
  /** `checkedOn: 'admin'`: checked from this computer, as the remote server has no agent yet. */
  connectivity?: Checked<{ stages: Array<{ name: string; status: 'ok' | 'failed' | 'skipped'; durationMs: number; code?: string }>; checkedOn: 'target' | 'admin' }>;
  /** `defaultFile`: where saving the passphrase offers to put it when the user names no file. */
  passphrase: PassphraseState & { defaultFile: string };
  status?: SetupStatus;
  /** An operation (register, install…) in progress, with its current stage. */
  busy?: { operation: string; stage: string };
}

export interface ProgressReporter {
  report(stage: string, detail?: Record<string, unknown>): void;
}

export interface SetupSession extends vscode.Disposable {
  readonly onDidChange: vscode.Event<SessionSnapshot>;
  snapshot(): SessionSnapshot;

  selectCredentials(file: string): Promise<Checked<CredentialsSummary>>;
  setInstallFolder(folder: string): Promise<void>;
  /** Empty `folder`: the core's default cache folder (the setting stays empty). */
  setCacheFolder(folder: string, data: { dataSizeBytes?: number; dataFolders?: string[] }, signal?: AbortSignal): Promise<Checked<CheckedCacheFolder>>;
  /** Saves the proxy (settings + SecretStorage for the password; none typed keeps the stored one for the same proxy user). */
  setProxy(proxy: ProxySettings): Promise<void>;
  testConnectivity(signal?: AbortSignal): Promise<NonNullable<SessionSnapshot['connectivity']>>;
  generatePassphrase(): PassphraseState;
  setPassphrase(value: Secret): Checked<PassphraseState>;
  /** Hands the passphrase to the one caller that shows or copies it on the user's request. */
  revealPassphrase(): Secret | undefined;
  /** Saves now (0600, never over another file); places the core warns about need `confirm` to accept. */
  savePassphrase(file: string, confirm?: ConfirmPassphraseLocation): Promise<Checked<{ file: string }>>;
  plan(): Promise<Checked<SetupPlan>>;
  install(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<{ version: string }>>;
  register(progress: ProgressReporter, signal: AbortSignal): Promise<Checked<RegisterResult>>;
  refreshStatus(signal?: AbortSignal): Promise<SetupStatus>;
}

/**
 * What the SetupService takes and returns. Adapters (command palette, webview, status bar, CLI)
 * build these from their own input and show the results; none of them holds a rule.
 */
import type { AgentFactories } from '../agents/choose';
import type { MarsAdapter } from '../agents/mars/factory';
import type { AgentProxy, PublicAgentConfig } from '../config/agentConfig';
import type { VaultCredentials } from '../credentials/model';
import type { AgentLayout } from '../config/layout';
import type { ErrorParams } from '../errors';
import type { RunPackages } from '../install/download';
import type { Logger } from '../log';
import type { PassphraseLocationWarning } from '../passphrase/location';
import type { ProxyContext } from '../proxy/resolve';
import type { Secret } from '../secret';
import type { ProxySettings } from '../proxy/settings';
import type { VaultNetworkOptions } from '../registration/vaultClient';
import type { RemoteRegistration } from '../registration/vaultApi';
import type { RegistrationState } from '../status';
import type { Target } from '../target/target';
import type { TrustedCertificate } from '../trust/endpoint';
import type { BackendHost, VaultBackend } from '../vault/backend';
import type { AgentKind, BackendKind } from '../vault/kinds';
import type { SetupWarning } from './warnings';

export interface SetupServiceOptions {
  /** The machine being set up. */
  target: Target;
  logger: Logger;
  now?: () => Date;
  /** VS Code's proxy settings and the environment, for the `vscode` and `environment` proxy modes. */
  proxyContext?: ProxyContext;
  /**
   * CAs trusted per vault endpoint ("host:port"), each instead of the system's store for that
   * endpoint only; every other host keeps the system's store (trust/endpoint.ts).
   */
  trust?: readonly TrustedCertificate[];
  /** Admin-side folder that keeps downloaded agent packages. */
  downloadCacheDir: string;
  /** The run this setup is part of (a fleet's): the agent package's `latest` answer and hash check are shared with the run's other setups. */
  packages?: RunPackages;
  /** Time-outs and retries towards the vault (tests shorten them). */
  network?: VaultNetworkOptions;
  /**
   * The vault service this setup works with (a credentials file for another is refused); the
   * local vault unless given. `vaultBackend` builds it when the adapter adds to it (an issuer).
   */
  backend?: BackendKind;
  vaultBackend?: (host: BackendHost) => VaultBackend;
  /**
   * What the MARS agent needs of this surface. The core chooses the driver from the target's
   * platform and the backend (agents/choose.ts); without this, a server that needs MARS is
   * refused (AgentNotOfferedHere).
   */
  mars?: MarsAdapter;
  /** Drivers instead of the core's own, per agent (tests). */
  agents?: AgentFactories;
  /** The Resource Manager endpoint the user configured instead of Azure's (vault/choose.ts: a file composed from it is the local vault's). */
  armEndpoint?: string;
}

/** Reports the stage an operation enters (REGISTER_STAGES, CHANGE_STAGES…) and, within long ones, progress. */
export type ProgressHandler = (stage: string, detail?: ErrorParams) => void;

export interface OperationOptions {
  signal?: AbortSignal;
  onProgress?: ProgressHandler;
  /** The install folder on the target; when absent, the one the install record names, else the platform's default. */
  installFolder?: string;
}

export interface SetupInput {
  /** A `.VaultCredentials` file on the admin machine. */
  credentialsFile: string;
  installFolder?: string;
  cacheFolder?: string;
  /** The size of the data to protect, which the cache folder's free space is checked against… */
  dataSizeBytes?: number;
  /** …or the folders holding it, measured. */
  dataFolders?: string[];
  proxy: ProxySettings;
  /** The encryption passphrase; only its verifier is ever stored on the target. */
  passphrase: { value: Secret };
  /** Where to save the passphrase, on the admin machine's file system (0600, never overwritten). */
  passphraseFile?: string;
  /** The server's name at the vault; the target's host name when absent. */
  serverName?: string;
}

/** Asked when the passphrase file's location deserves a second thought; false refuses the setup. */
export type ConfirmPassphraseLocation = (warnings: PassphraseLocationWarning[]) => Promise<boolean>;

export interface RegisterOptions extends Omit<OperationOptions, 'installFolder'> {
  confirmPassphraseLocation?: ConfirmPassphraseLocation;
}

export type { SetupWarning, SetupWarningCode } from './warnings';

/** A credentials file as plans and results show it (JSON-safe): no certificate, no key. */
export type CredentialsSummary = Pick<
  VaultCredentials,
  'fileName' | 'vaultName' | 'subscriptionId' | 'resourceGroup' | 'location' | 'resourceId' | 'endpoint' | 'timeLeftMs'
> & { expiresAt: string };

/** The vault service a credentials file is for and the agent the server gets, as the plan names them. */
export interface BackendChoice {
  backend: BackendKind;
  agent: AgentKind;
}

/** A credentials file as step 1 shows it once accepted: what it says, and its backend × agent. */
export type DescribedCredentials = CredentialsSummary & BackendChoice;

export interface PlannedChange {
  kind: 'createFolder' | 'writeFile' | 'replaceFile' | 'installAgent' | 'register' | 'registerAgain';
  /** On the target, except the passphrase file (on the admin machine). */
  path?: string;
  /** The file holds a secret and is written 0600. */
  secret?: boolean;
}

export interface SetupPlan {
  target: { id: string; label: string };
  credentials: CredentialsSummary;
  /** The vault service the file is for, and the agent the server gets. */
  backend: BackendKind;
  agent: AgentKind;
  serverName: string;
  installFolder: string;
  cacheFolder: string;
  layout: AgentLayout;
  /** The proxy the agent will use, as stored in its configuration. */
  proxy: AgentProxy;
  /** The machine id already on the target, when there is one (re-registration keeps it). */
  machineId?: string;
  /** The registration the configuration records, when re-registering with the same vault. */
  registrationId?: string;
  changes: PlannedChange[];
  warnings: SetupWarning[];
}

export interface RegisterResult {
  registrationId: string;
  machineId: string;
  /** False when the vault already knew this machine: the same registration, renewed. */
  created: boolean;
  serverName: string;
  vault: CredentialsSummary;
  installFolder: string;
  cacheFolder: string;
  configFile: string;
  agentVersion: string;
  /** Where the passphrase was saved, when it was. */
  passphraseFile?: string;
  warnings: SetupWarning[];
}

export type RemoteStatus =
  | { ok: true; registration: RemoteRegistration }
  | { ok: false; error: { code: string; message: string; params: ErrorParams } };

export interface SetupStatus {
  installFolder: string;
  /** The agent configuration it was read from (the file to watch for changes made elsewhere). */
  configFile: string;
  config?: PublicAgentConfig;
  state: RegistrationState;
  /** The vault's view, when the configuration records a registration. */
  remote?: RemoteStatus;
}

export interface ChangeInput {
  proxy?: ProxySettings;
  cacheFolder?: string;
  /** For the cache folder's free-space check. */
  dataSizeBytes?: number;
  dataFolders?: string[];
  /**
   * A passphrase change needs the vault's security PIN (valid 5 minutes, single use): the one the
   * admin typed, else one the backend has the vault make (VaultBackend.securityPin; refused,
   * SecurityPinIssuerUnavailable, by a backend that cannot).
   */
  passphrase?: { newValue: Secret; securityPin?: Secret; passphraseFile?: string };
}

export interface ChangeOptions extends OperationOptions {
  confirmPassphraseLocation?: ConfirmPassphraseLocation;
}

export interface ChangeResult {
  changed: Array<'proxy' | 'cacheFolder' | 'passphrase'>;
  config: PublicAgentConfig;
  passphraseFile?: string;
}

export interface UnregisterResult {
  /** The registration that was ended; absent when there was none. */
  registrationId?: string;
  /** The configuration recorded no registration: only leftovers were removed. */
  alreadyUnregistered: boolean;
  remote?: RemoteRegistration;
}

/** The stages `register` reports, in order. */
export const REGISTER_STAGES = [
  'validateCredentials',
  'checkConnectivity',
  'checkCache',
  'checkPrerequisites',
  'installAgent',
  'savePassphrase',
  'checkFromServer',
  'machineIdentity',
  'registerWithVault',
  'writeCertificates',
  'writeConfiguration',
] as const;
export type RegisterStage = (typeof REGISTER_STAGES)[number];

/** The stages `change` reports (each only when its part changes). */
export const CHANGE_STAGES = ['checkCache', 'checkConnectivity', 'changePassphrase', 'writeConfiguration', 'savePassphrase'] as const;
export type ChangeStage = (typeof CHANGE_STAGES)[number];

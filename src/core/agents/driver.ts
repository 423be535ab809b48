/**
 * The seam between the setup and an agent: everything the service does on the target that only
 * the agent can do, or must do there (the machine key never leaves the server). The reference
 * agent (./reference) is the first driver; the MARS agent on Windows will be another. The service
 * talks to agents only through this interface.
 */
import type { PublicAgentConfig, AgentProxy } from '../config/agentConfig';
import type { ConnectivityReport } from '../connectivity/check';
import type { AgentLink } from '../credentials/model';
import type { AgentLayout } from '../config/layout';
import type { ErrorParams } from '../errors';
import type { PrerequisiteReport } from '../install';
import type { ProxyResolution } from '../proxy/resolve';
import type { Secret } from '../secret';
import type { RemoteRegistration } from '../registration/vaultApi';
import type { VaultEndpoint, VaultRoute, WithProblem } from '../service/vaultAccess';

export type { VaultEndpoint } from '../service/vaultAccess';


export interface AgentOnTarget {
  version: string;
  agentDir: string;
  /** False when the same version was already installed. */
  installed: boolean;
}

export interface StagedOptions {
  signal?: AbortSignal;
  /** The stage the agent enters on the target (the service's stage names). */
  onStage?: (name: string) => void;
}

/** What registering needs, all decided and checked by the service beforehand. */
export interface AgentRegistration {
  /** On the admin machine: the driver takes it to the target as its agent needs it, privately and for the run only (the reference agent on its stdin, MARS a private copy). */
  credentialsFile: string;
  serverName: string;
  cacheFolder: string;
  proxy: AgentProxy;
  proxyPassword?: Secret;
  /** Absent: the configured passphrase stays (unchanged, as the service found). */
  passphrase?: Secret;
  /** The id the configuration records, to restore a lost id file. */
  machineId?: string;
}

export interface AgentRegistered {
  registrationId: string;
  machineId: string;
  created: boolean;
  agentVersion: string;
}

export interface AgentChange {
  proxy?: { proxy: AgentProxy; password?: Secret };
  /** Already checked (free space, file system). */
  cacheFolder?: string;
  /** The vault's security PIN (VaultBackend.securityPin, or typed by the admin), spent by the agent. */
  passphrase?: { securityPin: Secret; newValue: Secret };
}

/** The way to the vault to check from the target, as the agent would take it. */
export interface AgentCheck {
  proxy: AgentProxy;
  proxyPassword?: Secret;
}

/** Why no connectivity check ran on the server. */
export type ServerCheckSkipped = 'notInstalled' | 'noServerCheck';

export type AgentUnregistered = { alreadyUnregistered: true } | { alreadyUnregistered: false; registrationId: string; remote: RemoteRegistration };

export interface InstallOptions {
  signal?: AbortSignal;
  prerequisites?: PrerequisiteReport;
  onProgress?: (detail: ErrorParams) => void;
  /** The credentials file's AgentLinks, where a file names the agent's download (MARS). */
  agentLinks?: readonly AgentLink[];
  /** The effective proxy for a host other than the vault's (the agent's download): `route.proxy` was decided for the vault. */
  proxyFor?: (url: string) => ProxyResolution;
}

export interface AgentDriver {
  /** What the agent needs on the target; refused (AgentPrerequisiteMissing) when something is missing. */
  requirePrerequisites(signal?: AbortSignal): Promise<PrerequisiteReport>;
  /** Downloads the agent (admin side, along `route`) and installs it; the same version already there is kept. */
  install(
    route: VaultRoute,
    layout: AgentLayout,
    options?: InstallOptions,
  ): Promise<AgentOnTarget>;
  /**
   * The connectivity check run on the target by the installed agent (its clock included), or why
   * none ran there: `notInstalled` (no agent there yet), `noServerCheck` (the agent has no check
   * this setup runs from the server: MARS). The service then checks from this side and says which.
   */
  checkConnectivity(layout: AgentLayout, check: AgentCheck, vault: VaultEndpoint, signal?: AbortSignal): Promise<WithProblem<ConnectivityReport> | ServerCheckSkipped>;
  /**
   * Whether `register` first checks the vault from the server itself (DNS, TCP, TLS, proxy, its
   * clock), refusing as the service's own check would: the service then runs no check of its own
   * from this side for a remote target. Absent: false.
   */
  checksVaultOnRegister?(signal?: AbortSignal): Promise<boolean>;
  /** Registers the server from the server: checks, machine key, CSR, the vault call, certificates, configuration. */
  register(layout: AgentLayout, registration: AgentRegistration, vault: VaultEndpoint, options?: StagedOptions): Promise<AgentRegistered>;
  /** The registration as the vault sees it, asked from the server with the machine's certificate. */
  readRegistration(layout: AgentLayout, vault: VaultEndpoint, signal?: AbortSignal): Promise<RemoteRegistration>;
  /** Changes a set-up agent; its configuration as written. */
  change(layout: AgentLayout, change: AgentChange, vault: VaultEndpoint | undefined, options?: StagedOptions): Promise<PublicAgentConfig>;
  unregister(layout: AgentLayout, vault: VaultEndpoint | undefined, options?: StagedOptions): Promise<AgentUnregistered>;
}

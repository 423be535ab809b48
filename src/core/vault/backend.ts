/**
 * The seam between the setup and a vault service: what the core needs from the vault itself, as
 * opposed to the agent on the server (agents/driver.ts). The local vault (./local.ts) is the first
 * backend; an Azure Recovery Services vault, reached through Azure Resource Manager, will be the
 * second. The vault makes a passphrase change's security PIN (`securityPin`); whatever has no
 * counterpart in Azure's API (registering, spending that PIN: the MARS agent does both on the
 * server) stays on the agent driver. docs/architecture.md maps each
 * member to the local vault's route and the Azure operation.
 */
import type { AgentDriver, AgentUnregistered, StagedOptions } from '../agents/driver';
import type { AgentLayout } from '../config/layout';
import type { Logger } from '../log';
import type { ProxyContext } from '../proxy/resolve';
import type { RemoteRegistration } from '../registration/vaultApi';
import type { VaultNetworkOptions } from '../registration/vaultClient';
import type { Secret } from '../secret';
import type { VaultAccess, VaultEndpoint } from '../service/vaultAccess';
import type { TrustedCertificate } from '../trust/endpoint';
import type { BackendKind } from './kinds';

/** What a backend is built with: this side's proxy context, trust and network limits. */
export interface BackendHost {
  logger: Logger;
  proxyContext?: ProxyContext;
  trust?: readonly TrustedCertificate[];
  network?: VaultNetworkOptions;
}

/** A machine registered with the vault, as the core knows it from the agent's configuration. */
export interface MachineAtVault {
  /** The agent's install on the server: where its configuration and machine key are. */
  layout: AgentLayout;
  /** The vault's endpoint and the CAs trusted for it; absent when the configuration names no vault (only the server's side is left to clear). */
  vault?: VaultEndpoint;
}

/** A credentials file as a vault issues it. */
export interface IssuedCredentialsFile {
  fileName: string;
  /** The whole file; it holds a private key. */
  xml: string;
}

/** A security PIN from the vault: single use, for one passphrase change, valid until `expiresAt`. */
export interface SecurityPin {
  pin: Secret;
  expiresAt?: Date;
}

export interface VaultBackend {
  /** Which vault service this is. */
  readonly kind: BackendKind;
  /** How the admin and the agent reach the vault's endpoint: routes (proxy, trusted CAs) and the connectivity check. */
  readonly access: VaultAccess;
  /** The machine's registration as the vault sees it; `agent` is the machine's own agent, for a vault that only answers the machine itself. */
  readMachine(agent: AgentDriver, machine: Required<MachineAtVault>, signal?: AbortSignal): Promise<RemoteRegistration>;
  /** Ends the machine's registration at the vault and clears it on the server; a re-run finishes an interrupted one. */
  removeMachine(agent: AgentDriver, machine: MachineAtVault, options?: StagedOptions): Promise<AgentUnregistered>;
  /** A new credentials file for the named vault, superseding the earlier ones. */
  issueCredentials(vaultName: string, signal?: AbortSignal): Promise<IssuedCredentialsFile>;
  /** A security PIN for a passphrase change on a machine of the named vault: the vault makes it, the agent spends it. */
  securityPin(vaultName: string, signal?: AbortSignal): Promise<SecurityPin>;
}

/**
 * An Azure Recovery Services vault as a backend. The MARS agent registers and spends the PIN on
 * the server (agents/mars), so reading and ending a machine's registration go through the agent's
 * driver as for the local vault: MARS reports what it wrote when it registered, and its removal
 * is the vault's registered-identity removal (ArmSession.removeServer), which the adapter gives
 * the driver. Files and PINs come from a Resource Manager session (`armIssuer`) while signed in;
 * without one they are refused (AzureSignedOut) and the admin gets them in the portal.
 */
import { throwIfAborted } from '../../errors';
import type { AgentDriver, AgentUnregistered, StagedOptions } from '../../agents/driver';
import type { RemoteRegistration } from '../../registration/vaultApi';
import { VaultAccess } from '../../service/vaultAccess';
import type { BackendHost, IssuedCredentialsFile, MachineAtVault, SecurityPin, VaultBackend } from '../backend';
import type { VaultIssuer } from '../local';
import { azureSignedOut } from './token';

export interface AzureBackendOptions extends BackendHost {
  /** Present while signed in to the Resource Manager that serves the vault (armIssuer). */
  issuer?: VaultIssuer;
}

export class AzureVaultBackend implements VaultBackend {
  readonly kind = 'azure';
  readonly access: VaultAccess;

  constructor(private readonly options: AzureBackendOptions) {
    const { logger, proxyContext, trust, network } = options;
    this.access = new VaultAccess({ logger, proxyContext, trust, network });
  }

  readMachine(agent: AgentDriver, machine: Required<MachineAtVault>, signal?: AbortSignal): Promise<RemoteRegistration> {
    return agent.readRegistration(machine.layout, machine.vault, signal);
  }

  removeMachine(agent: AgentDriver, machine: MachineAtVault, options?: StagedOptions): Promise<AgentUnregistered> {
    return agent.unregister(machine.layout, machine.vault, options);
  }

  async issueCredentials(vaultName: string, signal?: AbortSignal): Promise<IssuedCredentialsFile> {
    throwIfAborted(signal);
    return this.requireIssuer(vaultName).issueCredentials(vaultName);
  }

  async securityPin(vaultName: string, signal?: AbortSignal): Promise<SecurityPin> {
    throwIfAborted(signal);
    return this.requireIssuer(vaultName).issueSecurityPin(vaultName, signal);
  }

  private requireIssuer(vaultName: string): VaultIssuer {
    if (!this.options.issuer) throw azureSignedOut(`vault ${vaultName}`);
    return this.options.issuer;
  }
}

/**
 * What the local vault and an Azure vault share as backends: a machine's registration is read and
 * ended by the machine's own agent on the server (the local vault knows it by the certificate it
 * issued, Azure through MARS), and credentials files and security PINs come from an issuer where
 * this side holds one. Each backend says only what a missing issuer means for it.
 */
import type { AgentDriver, AgentUnregistered, StagedOptions } from '../agents/driver';
import { throwIfAborted } from '../errors';
import type { RemoteRegistration } from '../registration/vaultApi';
import { VaultAccess } from '../service/vaultAccess';
import type { BackendHost, IssuedCredentialsFile, MachineAtVault, SecurityPin, VaultBackend } from './backend';
import type { BackendKind } from './kinds';
import type { VaultIssuer } from './local';

export interface IssuingBackendOptions extends BackendHost {
  /** Present where this side can issue (runs the local vault, or is signed in to the Resource Manager). */
  issuer?: VaultIssuer;
}

export abstract class AgentBackedVault implements VaultBackend {
  abstract readonly kind: BackendKind;
  readonly access: VaultAccess;

  constructor(private readonly options: IssuingBackendOptions) {
    const { logger, proxyContext, trust, network } = options;
    this.access = new VaultAccess({ logger, proxyContext, trust, network });
  }

  /** The agent asks the vault for its registration (the local vault: GET /v1/registrations/{id} with the machine certificate). */
  readMachine(agent: AgentDriver, machine: Required<MachineAtVault>, signal?: AbortSignal): Promise<RemoteRegistration> {
    return agent.readRegistration(machine.layout, machine.vault, signal);
  }

  /** The agent ends its registration, then clears the server's side (the local vault: DELETE /v1/registrations/{id}). */
  removeMachine(agent: AgentDriver, machine: MachineAtVault, options?: StagedOptions): Promise<AgentUnregistered> {
    return agent.unregister(machine.layout, machine.vault, options);
  }

  async issueCredentials(vaultName: string, signal?: AbortSignal): Promise<IssuedCredentialsFile> {
    const issuer = this.options.issuer ?? this.noIssuer('credentials', vaultName);
    throwIfAborted(signal);
    const { fileName, xml } = await issuer.issueCredentials(vaultName);
    return { fileName, xml };
  }

  async securityPin(vaultName: string, signal?: AbortSignal): Promise<SecurityPin> {
    const issuer = this.options.issuer ?? this.noIssuer('securityPin', vaultName);
    throwIfAborted(signal);
    return issuer.issueSecurityPin(vaultName, signal);
  }

  /** The refusal when this side holds no issuer, with the step that gets the file or PIN elsewhere. */
  protected abstract noIssuer(what: 'credentials' | 'securityPin', vaultName: string): never;
}

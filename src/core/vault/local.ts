/**
 * The local vault (src/vault, docs/vault-api.md) as a backend. It authenticates a machine by the
 * certificate it issued to it, whose key never leaves the server: so the machine's registration is
 * read and ended by the machine's own agent, on the server. Credentials files and security PINs
 * come from the vault's admin API, which only the one running the vault holds (its `issuer`).
 */
import type { AgentDriver, AgentUnregistered, StagedOptions } from '../agents/driver';
import { SetupError, throwIfAborted } from '../errors';
import { nextStep } from '../nextActions';
import type { RemoteRegistration } from '../registration/vaultApi';
import { Secret } from '../secret';
import { VaultAccess } from '../service/vaultAccess';
import type { BackendHost, IssuedCredentialsFile, MachineAtVault, SecurityPin, VaultBackend } from './backend';

/** What the vault's admin issues: credentials files and security PINs (src/vault's VaultAdmin through `adminIssuer`, or a Resource Manager through `armIssuer`). */
export interface VaultIssuer {
  issueCredentials(vaultName: string): Promise<IssuedCredentialsFile>;
  issueSecurityPin(vaultName: string, signal?: AbortSignal): Promise<SecurityPin>;
}

/** The local vault's admin API as it answers (src/vault's VaultAdmin: in this process, or `remoteAdmin` over HTTP). */
export interface LocalVaultAdmin {
  issueCredentials(vaultName: string): Promise<IssuedCredentialsFile>;
  issueSecurityPin(vaultName: string): Promise<{ pin: string; expiresAt: Date }>;
}

/** The admin as an issuer: its PIN becomes a Secret as soon as it arrives. */
export function adminIssuer(admin: LocalVaultAdmin): VaultIssuer {
  return {
    issueCredentials: async (vaultName) => {
      const { fileName, xml } = await admin.issueCredentials(vaultName);
      return { fileName, xml };
    },
    issueSecurityPin: async (vaultName) => {
      const { pin, expiresAt } = await admin.issueSecurityPin(vaultName);
      return { pin: new Secret(pin), expiresAt };
    },
  };
}

export interface LocalBackendOptions extends BackendHost {
  /** Present where this side runs the vault (the extension's "Start Local Vault", tests). */
  issuer?: VaultIssuer;
}

export class LocalVaultBackend implements VaultBackend {
  readonly kind = 'local';
  readonly access: VaultAccess;

  constructor(private readonly options: LocalBackendOptions) {
    const { logger, proxyContext, trust, network } = options;
    this.access = new VaultAccess({ logger, proxyContext, trust, network });
  }

  /** GET /v1/registrations/{id}, sent by the agent with the machine certificate. */
  readMachine(agent: AgentDriver, machine: Required<MachineAtVault>, signal?: AbortSignal): Promise<RemoteRegistration> {
    return agent.readRegistration(machine.layout, machine.vault, signal);
  }

  /** DELETE /v1/registrations/{id}, sent by the agent, which then clears the server's side. */
  removeMachine(agent: AgentDriver, machine: MachineAtVault, options?: StagedOptions): Promise<AgentUnregistered> {
    return agent.unregister(machine.layout, machine.vault, options);
  }

  /** POST /admin/v1/vaults/{name}/credentials, through the admin API of the vault this side runs. */
  async issueCredentials(vaultName: string, signal?: AbortSignal): Promise<IssuedCredentialsFile> {
    const { issuer } = this.options;
    if (!issuer) {
      throw new SetupError('CredentialsIssuerUnavailable', `This side does not run the local vault, so it cannot issue a credentials file for ${vaultName}. Issue one where the vault runs (backup-vault credentials ${vaultName}).`, {
        vault: vaultName,
        ...nextStep('downloadNewCredentials'),
      });
    }
    throwIfAborted(signal);
    const { fileName, xml } = await issuer.issueCredentials(vaultName);
    return { fileName, xml };
  }

  /** POST /admin/v1/vaults/{name}/security-pin, through the admin API of the vault this side runs. */
  async securityPin(vaultName: string, signal?: AbortSignal): Promise<SecurityPin> {
    const { issuer } = this.options;
    if (!issuer) {
      throw new SetupError('SecurityPinIssuerUnavailable', `This side does not run the local vault, so it cannot generate a security PIN for ${vaultName}. Generate one where the vault runs (backup-vault security-pin ${vaultName}) and enter it.`, {
        vault: vaultName,
        ...nextStep('generateNewSecurityPin'),
      });
    }
    throwIfAborted(signal);
    return issuer.issueSecurityPin(vaultName, signal);
  }
}

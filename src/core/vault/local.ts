/**
 * The local vault (src/vault, docs/vault-api.md) as a backend. It authenticates a machine by the
 * certificate it issued to it, whose key never leaves the server: so the machine's registration is
 * read and ended by the machine's own agent, on the server. Credentials files and security PINs
 * come from the vault's admin API, which only the one running the vault holds (its `issuer`).
 */
import { SetupError } from '../errors';
import { nextStep } from '../nextActions';
import { Secret } from '../secret';
import { AgentBackedVault } from './agentBacked';
import type { IssuedCredentialsFile, SecurityPin } from './backend';

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

export class LocalVaultBackend extends AgentBackedVault {
  readonly kind = 'local';

  protected noIssuer(what: 'credentials' | 'securityPin', vaultName: string): never {
    // Files come from POST /admin/v1/vaults/{name}/credentials, PINs from .../security-pin: the admin API of the vault this side runs.
    if (what === 'credentials') {
      throw new SetupError('CredentialsIssuerUnavailable', `This side does not run the local vault, so it cannot issue a credentials file for ${vaultName}. Issue one where the vault runs (backup-vault credentials ${vaultName}).`, {
        vault: vaultName,
        ...nextStep('downloadNewCredentials'),
      });
    }
    throw new SetupError('SecurityPinIssuerUnavailable', `This side does not run the local vault, so it cannot generate a security PIN for ${vaultName}. Generate one where the vault runs (backup-vault security-pin ${vaultName}) and enter it.`, {
      vault: vaultName,
      ...nextStep('generateNewSecurityPin'),
    });
  }
}

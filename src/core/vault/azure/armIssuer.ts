/**
 * Credentials files and security PINs from a Resource Manager, for a backend that takes an
 * issuer: with the local vault's ARM emulator as the Resource Manager,
 * `new LocalVaultBackend({ issuer })` is the emulator backend, whose files come the way Azure's do
 * (certificate upload, file composed here) and whose PINs come from `backupSecurityPIN`.
 */
import type { VaultIssuer } from '../local';
import type { ArmSession } from './arm';

/** Issues files and PINs for the vaults of one resource group through `session`. */
export function armIssuer(session: Pick<ArmSession, 'getFreshCredentials' | 'securityPin'>, scope: { subscriptionId: string; resourceGroup: string }): VaultIssuer {
  return {
    issueCredentials: (vault) => session.getFreshCredentials({ ...scope, vault }),
    issueSecurityPin: (vault, signal) => session.securityPin({ ...scope, vault }, signal),
  };
}

/**
 * Credentials files from a Resource Manager, for a backend that takes an issuer: with the local
 * vault's ARM emulator as the Resource Manager, `new LocalVaultBackend({ issuer })` is the
 * emulator backend, whose files come the way Azure's do (certificate upload, file composed here).
 */
import type { LocalCredentialsIssuer } from '../local';
import type { ArmSession } from './arm';

/** Issues files for the vaults of one resource group through `session`. */
export function armCredentialsIssuer(session: Pick<ArmSession, 'getFreshCredentials'>, scope: { subscriptionId: string; resourceGroup: string }): LocalCredentialsIssuer {
  return { issueCredentials: (vault) => session.getFreshCredentials({ ...scope, vault }) };
}

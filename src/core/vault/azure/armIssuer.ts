/**
 * Credentials files and security PINs from a Resource Manager, for a backend that takes an
 * issuer: with the local vault's ARM emulator as the Resource Manager,
 * `new LocalVaultBackend({ issuer })` is the emulator backend, whose files come the way Azure's do
 * (certificate upload, file composed here) and whose PINs come from `backupSecurityPIN`.
 */
import { SetupError } from '../../errors';
import { nextStep } from '../../nextActions';
import type { VaultIssuer } from '../local';
import type { ArmSession } from './arm';
import { AzureCode } from './codes';

/** Issues files and PINs for the vaults of one resource group through `session`. */
export function armIssuer(session: Pick<ArmSession, 'getFreshCredentials' | 'securityPin'>, scope: { subscriptionId: string; resourceGroup: string }): VaultIssuer {
  return {
    issueCredentials: (vault) => session.getFreshCredentials({ ...scope, vault }),
    issueSecurityPin: (vault, signal) => session.securityPin({ ...scope, vault }, signal),
  };
}

/**
 * The issuer for a vault known only by its name (a credentials file names no subscription): the
 * first of `subscriptions` (the ones the user picked before) that holds a vault of that name.
 */
export async function armIssuerForVault(
  session: Pick<ArmSession, 'getFreshCredentials' | 'securityPin' | 'listVaults'>,
  subscriptions: readonly string[],
  vault: string,
): Promise<VaultIssuer> {
  for (const subscriptionId of subscriptions) {
    const found = (await session.listVaults(subscriptionId)).find((v) => v.vault.toLowerCase() === vault.toLowerCase());
    if (found) return armIssuer(session, { subscriptionId, resourceGroup: found.resourceGroup });
  }
  throw new SetupError(
    AzureCode.VaultNotInRecentSubscriptions,
    `Vault ${vault} is in none of the subscriptions picked before. Pick its subscription in "Get Vault Credentials from Azure…", or check the vault's name.`,
    { vault, ...nextStep('checkAzureVault') },
  );
}

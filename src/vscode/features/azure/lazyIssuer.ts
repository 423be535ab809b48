/** The Resource Manager's issuer for the window's services, light: the Azure chunk (vaultIssuer.ts) loads when a PIN or file is first asked for. */
import type { VaultIssuer } from '../../../core/service';
import type { FeatureContext } from '../context';
import type { AzureSignInState } from './signInState';

export function lazyIssuer(f: () => FeatureContext, signIn: AzureSignInState): VaultIssuer {
  const load = async () => (await import('./vaultIssuer')).signedInIssuer(f, signIn);
  return {
    issueCredentials: async (vault) => (await load()).issueCredentials(vault),
    issueSecurityPin: async (vault, signal) => (await load()).issueSecurityPin(vault, signal),
  };
}

/**
 * Files and security PINs from the signed-in Resource Manager for a vault named only by its name
 * (what the core's backend seam passes): the core's armIssuerForVault looks it up among the
 * subscriptions picked before and asks ARM. Azure chunk: loaded when a PIN is first needed.
 */
import { azureSignedOut, loadAzure, type VaultIssuer } from '../../../core/service';
import type { FeatureContext } from '../context';
import { openArmSession } from './armSession';
import { recentSubscriptions } from './pickVault';
import type { AzureSignInState } from './signInState';

type Issued<K extends keyof VaultIssuer> = Awaited<ReturnType<VaultIssuer[K]>>;

export function signedInIssuer(f: () => FeatureContext, signIn: AzureSignInState): VaultIssuer {
  async function withIssuer<T>(vault: string, work: (issuer: VaultIssuer) => Promise<T>): Promise<T> {
    const tokens = await signIn.signIn(undefined);
    if (!tokens) throw azureSignedOut(signIn.plan().endpoint.cloud?.name ?? signIn.plan().endpoint.url);
    const { armIssuerForVault } = await loadAzure();
    const arm = await openArmSession(f(), tokens);
    try {
      return await work(await armIssuerForVault(arm, recentSubscriptions(f().extension.globalState), vault));
    } finally {
      await arm.close();
    }
  }
  return {
    issueCredentials: (vault) => withIssuer<Issued<'issueCredentials'>>(vault, (i) => i.issueCredentials(vault)),
    issueSecurityPin: (vault, signal) => withIssuer<Issued<'issueSecurityPin'>>(vault, (i) => i.issueSecurityPin(vault, signal)),
  };
}

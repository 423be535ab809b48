/**
 * Files and security PINs from the signed-in Resource Manager for a vault named only by its name
 * (what the core's backend seam passes): the vault is looked up among the subscriptions picked
 * before, then the core's armIssuer asks ARM. Azure chunk: loaded when a PIN is first needed.
 */
import { azureSignedOut, loadAzure, nextStep, SetupError, type VaultIssuer } from '../../../core/service';
import type { FeatureContext } from '../context';
import { openArmSession } from './armSession';
import { recentSubscriptions } from './pickVault';
import type { AzureSignInState } from './signInState';

type Issued<K extends keyof VaultIssuer> = Awaited<ReturnType<VaultIssuer[K]>>;

export function signedInIssuer(f: () => FeatureContext, signIn: AzureSignInState): VaultIssuer {
  async function withIssuer<T>(vault: string, work: (issuer: VaultIssuer) => Promise<T>): Promise<T> {
    const tokens = await signIn.signIn(undefined);
    if (!tokens) throw azureSignedOut(signIn.plan().endpoint.cloud?.name ?? signIn.plan().endpoint.url);
    const { armIssuer } = await loadAzure();
    const arm = await openArmSession(f(), tokens);
    try {
      for (const subscriptionId of recentSubscriptions(f().extension.globalState)) {
        const found = (await arm.listVaults(subscriptionId)).find((v) => v.vault.toLowerCase() === vault.toLowerCase());
        if (found) return await work(armIssuer(arm, { subscriptionId, resourceGroup: found.resourceGroup }));
      }
      const resource = `vault ${vault} in the subscriptions picked before`;
      throw new SetupError('AzureResourceNotFound', `Azure Resource Manager found no ${resource}. Check the subscription, resource group and names, and that your account can see them.`, { resource, ...nextStep('checkAzureVault') });
    } finally {
      await arm.close();
    }
  }
  return {
    issueCredentials: (vault) => withIssuer<Issued<'issueCredentials'>>(vault, (i) => i.issueCredentials(vault)),
    issueSecurityPin: (vault, signal) => withIssuer<Issued<'issueSecurityPin'>>(vault, (i) => i.issueSecurityPin(vault, signal)),
  };
}

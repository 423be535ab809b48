/**
 * The MARS driver's removal at the vault: the server's registered identity deleted through the
 * signed-in Resource Manager (ArmSession.removeServer). Azure chunk: loaded when first needed.
 */
import { azureSignedOut, type RegisteredAt } from '../../../core/service';
import type { FeatureContext } from '../context';
import { openArmSession } from './armSession';
import type { AzureSignInState } from './signInState';

export async function removeRegisteredServer(f: FeatureContext, signIn: AzureSignInState, at: RegisteredAt, signal?: AbortSignal): Promise<void> {
  const tokens = await signIn.signIn(undefined);
  if (!tokens) throw azureSignedOut(signIn.plan().endpoint.cloud?.name ?? signIn.plan().endpoint.url);
  const arm = await openArmSession(f, tokens);
  try {
    await arm.removeServer({ subscriptionId: at.subscriptionId, resourceGroup: at.resourceGroup, vault: at.vault }, at.serverName, signal);
  } finally {
    await arm.close();
  }
}

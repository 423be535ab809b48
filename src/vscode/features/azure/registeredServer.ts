/**
 * The MARS driver's read of the vault's view (MarsHost.readAtVault): the server among its vault's
 * registered servers (ArmSession.findServer), through the signed-in Resource Manager. Signed out it is refused (AzureSignedOut) without
 * asking anyone to sign in: a status read never prompts. Azure chunk: loaded when first needed.
 */
import { azureSignedOut, type RegisteredAt, type RegisteredServer } from '../../../core/service';
import type { FeatureContext } from '../context';
import { openArmSession } from './armSession';
import type { AzureSignInState } from './signInState';

export async function readRegisteredServer(f: FeatureContext, signIn: AzureSignInState, at: RegisteredAt, signal?: AbortSignal): Promise<RegisteredServer | undefined> {
  const tokens = await signIn.signIn(undefined);
  if (!tokens) throw azureSignedOut(signIn.plan().endpoint.cloud?.name ?? signIn.plan().endpoint.url);
  const arm = await openArmSession(f, tokens);
  try {
    return await arm.findServer({ subscriptionId: at.subscriptionId, resourceGroup: at.resourceGroup, vault: at.vault }, at.serverName, signal);
  } finally {
    await arm.close();
  }
}

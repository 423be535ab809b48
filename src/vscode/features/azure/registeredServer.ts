/**
 * The MARS driver's read of the vault's view (MarsHost.readAtVault): the server among its vault's
 * registered servers (ArmSession.listServers, matched by name as the Servers view's vault rows
 * are), through the signed-in Resource Manager. Signed out it is refused (AzureSignedOut) without
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
    const servers = await arm.listServers({ subscriptionId: at.subscriptionId, resourceGroup: at.resourceGroup, vault: at.vault }, signal);
    return servers.find((s) => s.friendlyName.toLowerCase() === at.serverName.toLowerCase());
  } finally {
    await arm.close();
  }
}

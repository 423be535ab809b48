/**
 * An Azure Recovery Services vault as a backend. The MARS agent registers and spends the PIN on
 * the server (agents/mars), so reading and ending a machine's registration go through the agent's
 * driver as for the local vault: MARS reports what it wrote when it registered, and its removal
 * is the vault's registered-identity removal (ArmSession.removeServer), which the adapter gives
 * the driver. Files and PINs come from a Resource Manager session (`armIssuer`) while signed in;
 * without one they are refused (AzureSignedOut) and the admin gets them in the portal.
 */
import { AgentBackedVault } from '../agentBacked';
import { azureSignedOut } from './token';

export class AzureVaultBackend extends AgentBackedVault {
  readonly kind = 'azure';

  protected noIssuer(_what: 'credentials' | 'securityPin', vaultName: string): never {
    throw azureSignedOut(`vault ${vaultName}`);
  }
}

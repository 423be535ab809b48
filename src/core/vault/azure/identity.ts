/**
 * Signing in from a terminal the way Azure's own tools do (@azure/identity): the Azure CLI's
 * login, then a service principal from the environment (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET or a certificate). Microsoft's tokens, so only for that cloud's Resource
 * Manager (token.ts). @azure/identity is loaded when this is first asked for a token.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { SetupError } from '../../errors';
import { nextStep } from '../../nextActions';
import type { AzureCloud } from '../clouds';
import type { ArmTokenSource } from './token';

/** The Azure CLI's sign-in, then the environment's, for `cloud`'s Resource Manager. */
export function azureCliOrEnvironment(cloud: AzureCloud): ArmTokenSource {
  let chain: Promise<TokenCredential> | undefined;
  const credential: TokenCredential = {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      chain ??= import('@azure/identity').then(({ AzureCliCredential, ChainedTokenCredential, EnvironmentCredential }) => new ChainedTokenCredential(new AzureCliCredential(), new EnvironmentCredential()));
      try {
        return await (await chain).getToken(scopes, options);
      } catch (err) {
        throw noCredential(err, cloud);
      }
    },
  };
  return { credential, issuedFor: { kind: 'microsoft', cloud: cloud.name } };
}

/** No sign-in found: @azure/identity's "unavailable" errors (one per credential, chained into one). */
function noCredential(err: unknown, cloud: AzureCloud): unknown {
  const name = (err as Error | undefined)?.name;
  if (name !== 'CredentialUnavailableError' && name !== 'AggregateAuthenticationError') return err;
  return new SetupError(
    'AzureCredentialUnavailable',
    `No Azure sign-in was found on this machine for ${cloud.name}: neither the Azure CLI (az login) nor environment credentials (AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate). Sign in with the Azure CLI, set a service principal's variables, or pass a token with --token-stdin.`,
    { cloud: cloud.name, ...nextStep('signInToAzure') },
  );
}

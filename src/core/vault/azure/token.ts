/**
 * Where an ARM session's bearer tokens come from, and for which Resource Manager they were
 * issued. The credential is @azure/core-auth's TokenCredential (what the SDK clients take), so a
 * VS Code session, @azure/identity's credentials and a token the user pasted all fit. A token is
 * held as a Secret and only ever leaves through the SDK's Authorization header.
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { SetupError } from '../../errors';
import { nextStep } from '../../nextActions';
import { Secret } from '../../secret';
import { originOf, type ArmEndpoint } from './endpoint';

/** A source of tokens and the Resource Manager they are for. */
export interface ArmTokenSource {
  credential: TokenCredential;
  /** `microsoft`: Microsoft's sign-in, for the named cloud's Resource Manager only; `endpoint`: a token issued by that endpoint (the emulator's `arm-token`, a pasted one). */
  issuedFor: { kind: 'microsoft'; cloud: string } | { kind: 'endpoint'; url: string };
}

/** How long a fixed token is taken to live when its giver does not say: the SDK renews nothing before then. */
const FIXED_TOKEN_LIFETIME_MS = 3_600_000;

/** A token the caller holds (from stdin, SecretStorage), for the Resource Manager at `endpointUrl`. */
export function fixedToken(token: Secret, endpointUrl: string, expiresOn = new Date(Date.now() + FIXED_TOKEN_LIFETIME_MS)): ArmTokenSource {
  const url = originOf(endpointUrl) ?? endpointUrl;
  return {
    credential: { getToken: async (): Promise<AccessToken> => ({ token: token.reveal(), expiresOnTimestamp: expiresOn.getTime() }) },
    issuedFor: { kind: 'endpoint', url },
  };
}

/** How long a session's token is taken to live: VS Code's session gives no expiry, and asking it again is cheap. */
const SESSION_TOKEN_LIFETIME_MS = 300_000;

/**
 * Tokens from a sign-in that can end (VS Code's session): `current` gives the token now, or
 * undefined once signed out, which refuses the request with AzureSignedOut.
 */
export function sessionToken(current: () => Promise<Secret | undefined>, issuedFor: ArmTokenSource['issuedFor']): ArmTokenSource {
  const where = issuedFor.kind === 'microsoft' ? issuedFor.cloud : new URL(issuedFor.url).host;
  return {
    credential: {
      getToken: async (): Promise<AccessToken> => {
        const token = await current();
        if (!token) throw azureSignedOut(where);
        return { token: token.reveal(), expiresOnTimestamp: Date.now() + SESSION_TOKEN_LIFETIME_MS };
      },
    },
    issuedFor,
  };
}

/** No sign-in for `where` (a cloud's name, an endpoint's host): signed out, or signing in was declined or failed (`cause`). */
export function azureSignedOut(where: string, cause?: unknown): SetupError {
  return new SetupError('AzureSignedOut', `You are not signed in to Azure Resource Manager (${where}). Sign in to Azure, then try again.`, { where, ...nextStep('signInToAzure') }, cause === undefined ? undefined : { cause });
}

/** Refuses to send `source`'s tokens to `endpoint` unless they were issued for it. */
export function requireTokenFor(endpoint: ArmEndpoint, source: ArmTokenSource): void {
  const { issuedFor } = source;
  const fits = issuedFor.kind === 'microsoft' ? endpoint.cloud?.name === issuedFor.cloud : originOf(issuedFor.url) === endpoint.url;
  if (fits) return;
  const issuer = issuedFor.kind === 'microsoft' ? `Microsoft's sign-in for ${issuedFor.cloud}` : new URL(issuedFor.url).host;
  throw new SetupError(
    'AzureTokenNotForEndpoint',
    `The token from ${issuer} is not sent to the Resource Manager at ${new URL(endpoint.url).host}: a token goes only to the Resource Manager it was issued for. Use a token issued for that endpoint.`,
    { issuer, endpoint: new URL(endpoint.url).host, ...nextStep('signInToAzure') },
  );
}

/**
 * An ArmSession over the window's network (proxy, trust) for a sign-in: what every Azure surface
 * opens (the credentials command, the vault's view). Azure chunk only: it loads the Azure SDKs.
 */
import { loadAzure } from '../../../core/service';
import type { FeatureContext } from '../context';
import { proxyContext } from '../settings';
import type { AzureTokens } from './signInState';

/** Refused (AzureTokenNotForEndpoint) when the sign-in is for another cloud than the endpoint's. */
export async function openArmSession(f: FeatureContext, tokens: AzureTokens) {
  const { ArmSession } = await loadAzure();
  const proxy = await f.session.proxy();
  return new ArmSession({ endpoint: tokens.plan.endpoint, token: tokens.source, logger: f.log, proxy, proxyContext: proxyContext(), trust: f.session.host.trust.sources() });
}

/**
 * Trusting a vault's certificate: what its endpoint presents (for the user to judge), and
 * whether a CA file they pick verifies it, checked by a handshake that trusts that CA alone. The
 * adapter stores the pair this returns; nothing here writes anything.
 */
import { resolveProxy } from '../proxy/resolve';
import type { ProxySettings } from '../proxy/settings';
import { endpointKey, readCaFile } from '../trust/endpoint';
import { presentedChain, verifyPresentedChain, type PresentedCertificate } from '../trust/presented';
import type { ServiceContext } from './context';

export interface PresentedVaultCertificate {
  /** "host:port": what the trust is stored under. */
  endpoint: string;
  /** The top certificate of the chain as sent. */
  certificate: PresentedCertificate;
}

export interface VerifiedVaultCa {
  /** "host:port": what the trust is stored under. */
  endpoint: string;
  /** The CA file, as given (absolute). */
  file: string;
}

/** What `endpoint` presents, over the proxy `proxy` resolves to for it. */
export async function presentedVaultCertificate(ctx: ServiceContext, endpoint: string, proxy: ProxySettings, signal?: AbortSignal): Promise<PresentedVaultCertificate> {
  const chain = await presentedChain(endpoint, { proxy: resolveProxy(proxy, endpoint, ctx.proxyContext).proxy, signal });
  return { endpoint: endpointKey(endpoint), certificate: chain.at(-1)! };
}

/**
 * Checks that the CA in `file` verifies the chain `endpoint` presents. A file that cannot be read,
 * holds no certificate or does not verify the chain is refused with its own code.
 */
export async function verifyVaultCa(ctx: ServiceContext, endpoint: string, proxy: ProxySettings, file: string, signal?: AbortSignal): Promise<VerifiedVaultCa> {
  const key = endpointKey(endpoint);
  const pem = await readCaFile(file, key);
  await verifyPresentedChain(endpoint, pem, file, { proxy: resolveProxy(proxy, endpoint, ctx.proxyContext).proxy, signal });
  ctx.logger.info(`The CA in ${file} verifies the certificate ${key} presents.`);
  return { endpoint: key, file };
}

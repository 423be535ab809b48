/**
 * What a vault endpoint presents: its certificate chain, read by a TLS handshake over the same
 * route as every call (direct, or the proxy's CONNECT tunnel). The handshake sends nothing of
 * ours: no client certificate, no request; only the proxy's own credentials go to the proxy, as
 * on every call. It names an untrusted certificate for the user, and checks a CA they pick.
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { requestTunnel } from '../connectivity/proxyTunnel';
import { connectTcp, handshake, resolveHost } from '../connectivity/stages';
import { CancelledError, SetupError } from '../errors';
import { diagnoseProxyStatus, diagnoseSocketError, diagnoseTlsCode, namePresentedCertificate, NetworkCode, networkError, type NetworkTarget } from '../http/networkErrors';
import { hostAndPort } from '../proxy/noProxy';
import type { ProxyEndpoint } from '../proxy/resolve';
import { TrustCode } from './codes';
import { endpointKey } from './endpoint';

export interface PresentedCertificate {
  /** Distinguished names, as `CN=…, O=…`. */
  subject: string;
  issuer: string;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

export interface ProbeOptions {
  proxy?: ProxyEndpoint;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** The chain `endpoint` sends, leaf first, exactly as sent (no issuer looked up in any store). */
export async function presentedChain(endpoint: string, options: ProbeOptions = {}): Promise<PresentedCertificate[]> {
  return (await probe(endpoint, [], options)).chain;
}

/**
 * Checks that `caPem` alone verifies the chain `endpoint` presents, by a handshake that trusts
 * only it; returns the chain. A CA that does not is refused with TrustedCertificateDoesNotVerify;
 * a chain it verifies for another name, with the hostname mismatch.
 */
export async function verifyPresentedChain(endpoint: string, caPem: string, file: string, options: ProbeOptions = {}): Promise<PresentedCertificate[]> {
  const { chain, authorizationError } = await probe(endpoint, [caPem], options);
  if (!authorizationError) return chain;
  const target = targetOf(endpoint, options.proxy);
  const diagnosis = diagnoseTlsCode(authorizationError);
  if (diagnosis && diagnosis.code !== NetworkCode.TlsUntrustedCertificate) throw networkError(diagnosis, target);
  const top = chain.at(-1)!;
  throw new SetupError(
    TrustCode.DoesNotVerify,
    `The CA in ${file} does not verify the certificate ${endpointKey(endpoint)} presents (issued by ${top.issuer}, SHA-256 ${top.fingerprint256}; ${authorizationError}). Nothing was trusted.`,
    { file, endpoint: endpointKey(endpoint), issuer: top.issuer, fingerprint: top.fingerprint256, tlsCode: authorizationError },
  );
}

/**
 * An untrusted-certificate refusal with the certificate the endpoint presents named: the top
 * of the chain it sends, its issuer and SHA-256. Other errors, and a probe that fails, leave
 * the error as it is.
 */
export async function withPresentedCertificate(err: unknown, endpoint: string, options: ProbeOptions = {}): Promise<unknown> {
  if (!(err instanceof SetupError) || err.code !== NetworkCode.TlsUntrustedCertificate || err.params.fingerprint !== undefined) return err;
  try {
    return namePresentedCertificate(err, (await presentedChain(endpoint, options)).at(-1)!);
  } catch (probeError) {
    if (probeError instanceof CancelledError) throw probeError;
    return err;
  }
}

function targetOf(endpoint: string, proxy: ProxyEndpoint | undefined): NetworkTarget {
  return { ...hostAndPort(new URL(endpoint)), proxy };
}

/** One handshake trusting `ca` only (none: nothing), verification left to the caller. */
async function probe(endpoint: string, ca: string[], { proxy, signal, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS }: ProbeOptions) {
  const target = targetOf(endpoint, proxy);
  const { host, port } = target;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const opened: Array<Socket | TLSSocket> = [];
  let tunnelled = !proxy;
  try {
    const first = proxy ?? { host, port };
    const { value: addresses } = await resolveHost(first.host, combined);
    const { value: socket } = await connectTcp(addresses, first.port, combined);
    opened.push(socket);
    if (proxy) {
      const answer = await requestTunnel(socket, `${host.includes(':') ? `[${host}]` : host}:${port}`, proxy.authorization, combined);
      if (answer.status !== 200) throw networkError(diagnoseProxyStatus(answer.status), target);
      tunnelled = true;
    }
    // An empty CA list, not the system's: the chain stays the one sent, with no issuer looked up.
    const { value: secure } = await handshake(socket, host, { ca, rejectUnauthorized: false }, combined);
    opened.push(secure);
    const chain = chainOf(secure.getPeerCertificate(true));
    if (!chain.length) throw new SetupError(TrustCode.NothingPresented, `${host}:${port} presented no certificate.`, { host, port });
    return { chain, authorizationError: secure.authorized ? undefined : String(secure.authorizationError) };
  } catch (err) {
    if (signal?.aborted) throw new CancelledError();
    if (err instanceof SetupError) throw err;
    if (timeout.aborted) throw networkError({ code: NetworkCode.ConnectTimeout, params: { reason: 'timeout', timeoutMs } }, target, err);
    throw networkError(diagnoseSocketError(err, !tunnelled), target, err);
  } finally {
    // The TLS socket before the one under it: the other order crashes node 20 (SIGSEGV).
    for (const s of opened.reverse()) s.destroy();
  }
}

function chainOf(peer: DetailedPeerCertificate): PresentedCertificate[] {
  const chain: PresentedCertificate[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  for (let cert: DetailedPeerCertificate | undefined = peer; cert?.raw && !seen.has(cert); cert = cert.issuerCertificate) {
    seen.add(cert);
    const x509 = new X509Certificate(cert.raw);
    chain.push({ subject: distinguishedName(x509.subject), issuer: distinguishedName(x509.issuer), fingerprint256: x509.fingerprint256 });
  }
  return chain;
}

/** Node's one-attribute-a-line form as one line. */
const distinguishedName = (lines: string) => lines.split('\n').filter(Boolean).join(', ');

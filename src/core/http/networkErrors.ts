import type { Dispatcher } from './undici';
import { SetupError, type ErrorParams } from '../errors';
import { hostAndPort } from '../proxy/noProxy';
import { describeProxy, type ProxyEndpoint } from '../proxy/resolve';
import { proxyOf } from './dispatcher';

/** The agent's "cannot connect to the service" ID (agent facts §2); 407 belongs to it too. */
export const NETWORK_AGENT_CODE = '100050';

/** Stable codes for everything that can go wrong between us and the vault. */
export const NetworkCode = {
  DnsLookupFailed: 'DnsLookupFailed',
  ConnectionRefused: 'ConnectionRefused',
  HostUnreachable: 'HostUnreachable',
  ConnectionReset: 'ConnectionReset',
  ConnectTimeout: 'ConnectTimeout',
  ResponseTimeout: 'ResponseTimeout',
  ProxyUnreachable: 'ProxyUnreachable',
  ProxyAuthRequired: 'ProxyAuthRequired',
  ProxyConnectFailed: 'ProxyConnectFailed',
  TlsUntrustedCertificate: 'TlsUntrustedCertificate',
  TlsHostnameMismatch: 'TlsHostnameMismatch',
  TlsCertificateExpired: 'TlsCertificateExpired',
  TlsCertificateNotYetValid: 'TlsCertificateNotYetValid',
  TlsClientCertificateRejected: 'TlsClientCertificateRejected',
  TlsHandshakeFailed: 'TlsHandshakeFailed',
  NetworkError: 'NetworkError',
} as const;
export type NetworkCode = (typeof NetworkCode)[keyof typeof NetworkCode];

export interface Diagnosis {
  code: NetworkCode;
  params: ErrorParams;
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
// Alerts the server sends when it refuses our client certificate (or its absence).
const CLIENT_CERT_ALERT = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(?:CERTIFICATE_\w+|BAD_CERTIFICATE|UNKNOWN_CA|UNSUPPORTED_CERTIFICATE)$/;

/** Names a TLS failure from node's error code (OpenSSL verify codes and node's own). */
export function diagnoseTlsCode(tlsCode: string): Diagnosis | undefined {
  if (SELF_SIGNED.has(tlsCode)) return { code: NetworkCode.TlsUntrustedCertificate, params: { tlsCode, reason: 'self-signed' } };
  if (UNTRUSTED.has(tlsCode)) return { code: NetworkCode.TlsUntrustedCertificate, params: { tlsCode, reason: 'unknown-ca' } };
  if (tlsCode === 'ERR_TLS_CERT_ALTNAME_INVALID' || tlsCode === 'HOSTNAME_MISMATCH') {
    return { code: NetworkCode.TlsHostnameMismatch, params: { tlsCode } };
  }
  if (tlsCode === 'CERT_HAS_EXPIRED') return { code: NetworkCode.TlsCertificateExpired, params: { tlsCode } };
  if (tlsCode === 'CERT_NOT_YET_VALID') return { code: NetworkCode.TlsCertificateNotYetValid, params: { tlsCode } };
  if (CLIENT_CERT_ALERT.test(tlsCode)) return { code: NetworkCode.TlsClientCertificateRejected, params: { tlsCode } };
  if (tlsCode.startsWith('ERR_SSL_') || tlsCode === 'EPROTO' || tlsCode.startsWith('ERR_TLS_')) {
    return { code: NetworkCode.TlsHandshakeFailed, params: { tlsCode } };
  }
  return undefined;
}

/** The status a proxy answered a CONNECT with, as undici reports it (it has no status field). */
function proxyStatusOf(err: Error): number | undefined {
  const match = /Proxy response \((\d{3})\)|Proxy Authentication Required \((407)\)/.exec(err.message);
  return match ? Number(match[1] ?? match[2]) : undefined;
}

/** A proxy's answer to CONNECT, other than 200. */
export function diagnoseProxyStatus(status: number): Diagnosis {
  return status === 407
    ? { code: NetworkCode.ProxyAuthRequired, params: { proxyStatus: status, agentCode: NETWORK_AGENT_CODE } }
    : { code: NetworkCode.ProxyConnectFailed, params: { proxyStatus: status } };
}

/**
 * Diagnoses a socket-level error. `viaProxy`: the connection being made was to the proxy, so a
 * refused or unresolvable host is the proxy's.
 */
export function diagnoseSocketError(err: unknown, viaProxy: boolean): Diagnosis {
  const chain = causeChain(err);
  const status = chain.map(proxyStatusOf).find((s) => s !== undefined);
  if (status !== undefined) return diagnoseProxyStatus(status);
  // undici wraps some errors (a proxy's TLS failure, for one): the innermost code is the real one.
  const errorCode = chain.map((e) => e.code).filter((c): c is string => typeof c === 'string').pop() ?? 'unknown';
  const tls = diagnoseTlsCode(errorCode);
  if (tls) return tls;
  const params = { errorCode };
  switch (errorCode) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return { code: NetworkCode.DnsLookupFailed, params };
    case 'ECONNREFUSED':
      return { code: viaProxy ? NetworkCode.ProxyUnreachable : NetworkCode.ConnectionRefused, params };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code: viaProxy ? NetworkCode.ProxyUnreachable : NetworkCode.HostUnreachable, params };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { code: NetworkCode.ConnectionReset, params };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code: NetworkCode.ConnectTimeout, params };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { code: NetworkCode.ResponseTimeout, params };
    default:
      return { code: NetworkCode.NetworkError, params };
  }
}

function causeChain(err: unknown): Array<Error & { code?: unknown }> {
  const chain: Array<Error & { code?: unknown }> = [];
  for (let e = err; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  return chain;
}

const MESSAGES: Record<NetworkCode, (p: ErrorParams) => string> = {
  DnsLookupFailed: (p) => `The host name ${p.host} could not be resolved.`,
  ConnectionRefused: (p) => `${p.host}:${p.port} refused the connection.`,
  HostUnreachable: (p) => `${p.host}:${p.port} cannot be reached from this machine.`,
  ConnectionReset: (p) => `The connection to ${p.host}:${p.port} was closed unexpectedly.`,
  ConnectTimeout: (p) => `Connecting to ${p.host}:${p.port} timed out.`,
  ResponseTimeout: (p) => `${p.host}:${p.port} did not answer in time.`,
  ProxyUnreachable: (p) => `The proxy ${p.proxy} cannot be reached.`,
  ProxyAuthRequired: (p) => `The proxy ${p.proxy} requires authentication, or rejected the user name and password.`,
  ProxyConnectFailed: (p) => `The proxy ${p.proxy} refused to connect to ${p.host}:${p.port} (HTTP ${p.proxyStatus}).`,
  TlsUntrustedCertificate: (p) =>
    p.fingerprint === undefined
      ? `The certificate of ${p.host} is not issued by a trusted authority (${p.tlsCode}).`
      : `The certificate of ${p.host} is not issued by a trusted authority (${p.tlsCode}). It presents a certificate issued by ${p.issuer}, SHA-256 fingerprint ${p.fingerprint}.`,
  TlsHostnameMismatch: (p) => `The certificate of ${p.host} is issued for another name.`,
  TlsCertificateExpired: (p) => `The certificate of ${p.host} has expired.`,
  TlsCertificateNotYetValid: (p) => `The certificate of ${p.host} is not valid yet: check this machine's clock.`,
  TlsClientCertificateRejected: (p) => `${p.host} rejected the client certificate (${p.tlsCode}).`,
  TlsHandshakeFailed: (p) => `The secure connection to ${p.host} failed (${p.tlsCode}).`,
  NetworkError: (p) => `The connection to ${p.host}:${p.port} failed (${p.errorCode}).`,
};

export interface NetworkTarget {
  host: string;
  port: number;
  proxy?: ProxyEndpoint;
}

/** What a request to `url` through `dispatcher` reaches, for its error messages. */
export function networkTarget(url: URL, dispatcher: Dispatcher): NetworkTarget {
  return { ...hostAndPort(url), proxy: proxyOf(dispatcher) };
}

/** The SetupError for a diagnosis, naming the target and (redacted) proxy. */
export function networkError(diagnosis: Diagnosis, target: NetworkTarget, cause?: unknown): SetupError {
  const params: ErrorParams = {
    agentCode: NETWORK_AGENT_CODE,
    host: target.host,
    port: target.port,
    ...(target.proxy ? { proxy: describeProxy(target.proxy) } : {}),
    ...diagnosis.params,
  };
  if (target.proxy && (diagnosis.code === NetworkCode.DnsLookupFailed || diagnosis.code === NetworkCode.ProxyUnreachable)) {
    params.host = target.proxy.host;
    params.port = target.proxy.port;
  }
  return new SetupError(diagnosis.code, MESSAGES[diagnosis.code](params), params, { cause });
}

/** An untrusted-certificate error naming what the endpoint presents: the top certificate it sent, its issuer and SHA-256. */
export function namePresentedCertificate(err: SetupError, top: { issuer: string; fingerprint256: string }): SetupError {
  const params: ErrorParams = { ...err.params, issuer: top.issuer, fingerprint: top.fingerprint256 };
  return new SetupError(err.code, MESSAGES.TlsUntrustedCertificate(params), params, { cause: err.cause ?? err });
}

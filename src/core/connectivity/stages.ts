/**
 * The connectivity check's stages, each on node's own dns, net and tls so that it can be timed
 * and diagnosed on its own. Each resolves with what it found, or throws the low-level error for
 * the caller to diagnose; each honours `signal` by tearing down what it opened.
 */
import { once } from 'node:events';
import { lookup } from 'node:dns/promises';
import net, { isIP } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import * as z from 'zod';
import { CancelledError, raceAbort, type ErrorParams } from '../errors';
import type { TlsOptions } from '../http/dispatcher';
import { diagnoseTlsCode } from '../http/networkErrors';
import { requestJson } from '../http/request';
import { sharedSecureContext } from '../http/tlsContext';
import { loadUndici } from '../http/undici';

export interface Found<T> {
  value: T;
  params: ErrorParams;
}

export async function resolveHost(host: string, signal: AbortSignal): Promise<Found<string[]>> {
  if (isIP(host)) return { value: [host], params: { host, addresses: host, literal: true } };
  const entries = await raceAbort(lookup(host, { all: true }), signal);
  const addresses = entries.map((e) => e.address);
  return { value: addresses, params: { host, addresses: addresses.join(', ') } };
}

/** Connects to the first address that accepts, in resolver order; throws the last failure. */
export async function connectTcp(addresses: string[], port: number, signal: AbortSignal): Promise<Found<net.Socket>> {
  let lastError: unknown;
  for (const address of addresses) {
    const socket = net.connect({ host: address, port });
    try {
      await once(socket, 'connect', { signal });
      return { value: socket, params: { address, port } };
    } catch (err) {
      socket.destroy();
      if (signal.aborted) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

/** The shared context for these CAs when there is one (no client key), else the options themselves. */
function secureOptions(options: TlsOptions): tls.ConnectionOptions {
  const secureContext = sharedSecureContext(options);
  return secureContext ? { secureContext } : { ca: options.ca, cert: options.cert, key: options.key };
}

/**
 * The TLS handshake over an open socket (direct, or a proxy tunnel). With verification off,
 * a bad certificate is still named, as a warning.
 */
export async function handshake(socket: net.Socket, host: string, options: TlsOptions, signal: AbortSignal): Promise<Found<TLSSocket>> {
  const secure = tls.connect({
    socket,
    // `host` is what the certificate is checked against; SNI only carries names, not addresses.
    host,
    servername: isIP(host) ? undefined : host,
    ...secureOptions(options),
    rejectUnauthorized: options.rejectUnauthorized,
    ALPNProtocols: ['http/1.1'],
  });
  try {
    await once(secure, 'secureConnect', { signal });
  } catch (err) {
    secure.destroy();
    throw err;
  }
  const peer = secure.getPeerCertificate();
  const params: ErrorParams = {
    protocol: secure.getProtocol() ?? 'unknown',
    subject: String(peer.subject?.CN ?? ''),
    issuer: String(peer.issuer?.CN ?? ''),
    validTo: peer.valid_to ?? '',
  };
  if (!secure.authorized && secure.authorizationError) {
    const warning = diagnoseTlsCode(String(secure.authorizationError));
    params.warning = warning?.code ?? String(secure.authorizationError);
  }
  return { value: secure, params };
}

/** What `GET /v1/health` answers; other fields are kept as they come. */
export const healthSchema = z.looseObject({
  status: z.string(),
  service: z.string().optional(),
  version: z.string().optional(),
  time: z.string().optional(),
});
export type Health = z.infer<typeof healthSchema>;

/**
 * `GET /v1/health` over the socket the previous stages built, so the answer comes from the
 * endpoint that was just checked and not from a fresh connection that might take another path.
 */
export async function fetchHealth(
  secure: TLSSocket,
  endpoint: URL,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Found<Health>> {
  // Undici replaces the socket's error with "other side closed" when the server drops the
  // connection; the TLS alert that explains why (a refused client certificate) is kept here.
  let tlsAlert: Error | undefined;
  secure.on('error', (err: Error & { code?: string }) => {
    if (err.code && diagnoseTlsCode(err.code)) tlsAlert = err;
  });
  const { Client } = await loadUndici();
  // Undici ignores a connector that answers synchronously (it is still inside its resume loop).
  const client = new Client(endpoint.origin, { connect: (_opts, callback) => process.nextTick(callback, null, secure) });
  const sentAt = Date.now();
  try {
    const { data } = await requestJson(client, new URL('/v1/health', endpoint), { signal, timeoutMs, schema: healthSchema });
    const receivedAt = Date.now();
    const params: ErrorParams = { status: data.status };
    if (data.version) params.version = data.version;
    const serverTime = data.time ? Date.parse(data.time) : NaN;
    // The server's clock against the midpoint of the exchange: skew breaks registration.
    if (Number.isFinite(serverTime)) params.clockSkewMs = Math.round(serverTime - (sentAt + receivedAt) / 2);
    return { value: data, params };
  } catch (err) {
    throw err instanceof CancelledError || !tlsAlert ? err : tlsAlert;
  } finally {
    await client.destroy();
  }
}

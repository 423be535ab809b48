import type { Agent, ProxyAgent } from 'undici';
import { loadUndici, type Dispatcher } from './undici';
import type { ProxyEndpoint } from '../proxy/resolve';
import { sharedSecureContext } from './tlsContext';

/** TLS towards the target (through the tunnel when proxied). */
export interface TlsOptions {
  /** Trusted CAs; the system's when absent. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key for mutual TLS (the vault credentials certificate). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** From ProxyResolution.strictSSL: false only when the user turned verification off. */
  rejectUnauthorized: boolean;
}

export interface Timeouts {
  /** TCP connect plus TLS handshake (and the CONNECT tunnel when proxied). */
  connectMs: number;
  /** Until the response headers arrive. */
  headersMs: number;
  /** Between two body chunks. */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

export interface DispatcherOptions {
  proxy?: ProxyEndpoint;
  tls: TlsOptions;
  timeouts?: Partial<Timeouts>;
}

/**
 * The only way this code reaches the network: an undici dispatcher passed explicitly to each
 * request. VS Code patches Node's http/https and the global fetch with its own proxy logic;
 * undici's own dispatchers are left alone, so the proxy resolved by resolveProxy is the one used.
 * The first one made loads undici (see undici.ts).
 */
export async function createDispatcher({ proxy, tls, timeouts }: DispatcherOptions): Promise<Agent | ProxyAgent> {
  const { Agent, ProxyAgent } = await loadUndici();
  const { connectMs, headersMs, bodyMs } = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const secureContext = sharedSecureContext(tls);
  const targetTls = {
    ...(secureContext ? { secureContext } : { ca: tls.ca, cert: tls.cert, key: tls.key }),
    rejectUnauthorized: tls.rejectUnauthorized,
    timeout: connectMs,
  };
  const common = { headersTimeout: headersMs, bodyTimeout: bodyMs };
  if (!proxy) return new Agent({ ...common, connect: targetTls });
  const agent = new ProxyAgent({
    ...common,
    // The URI carries no credentials: they go in `token`, which undici sends only to the proxy.
    uri: proxy.origin,
    token: proxy.authorization?.reveal(),
    // Target TLS runs inside the CONNECT tunnel, so the client certificate goes in requestTls.
    requestTls: targetTls,
    proxyTls: { timeout: connectMs },
  });
  proxies.set(agent, proxy);
  return agent;
}

// Lets error messages name the proxy a dispatcher goes through without callers passing it twice.
const proxies = new WeakMap<Dispatcher, ProxyEndpoint>();

/** The proxy a dispatcher from createDispatcher goes through, if any. */
export function proxyOf(dispatcher: Dispatcher): ProxyEndpoint | undefined {
  return proxies.get(dispatcher);
}

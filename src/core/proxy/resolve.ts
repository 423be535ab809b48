import { SetupError } from '../errors';
import { bareHost, findNoProxyMatch, hostAndPort, parseNoProxyEntry, splitNoProxyList, type NoProxyEntry } from './noProxy';
import { Secret } from '../secret';
import type { ProxyMode, ProxySettings } from './settings';

/** A proxy to send a request through. Everything but `authorization` is safe to log. */
export interface ProxyEndpoint {
  /** `http://host:port`, never with credentials. */
  readonly origin: string;
  /** Host name or IP address, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  /** The Proxy-Authorization header value. */
  readonly authorization?: Secret;
}

export interface ProxyResolution {
  /** Absent: connect directly. */
  readonly proxy?: ProxyEndpoint;
  /** Where the decision came from: `vscode` mode with an empty `http.proxy` reports `environment`. */
  readonly source: ProxyMode;
  /** The no-proxy entry that sent this target direct, when one did. */
  readonly bypassedBy?: string;
  /** Verify server certificates: callers pass it as the TLS `rejectUnauthorized`. */
  readonly strictSSL: boolean;
}

export interface ProxyContext {
  /** VS Code's `http.proxy`, read by the adapter. */
  vscodeHttpProxy?: string;
  /** VS Code's `http.noProxy`. */
  vscodeNoProxy?: readonly string[];
  /** VS Code's `http.proxyAuthorization` (a whole header value). */
  vscodeProxyAuthorization?: string;
  env?: NodeJS.ProcessEnv;
  /** VS Code's `http.proxyStrictSSL`; true unless the user turned it off. */
  strictSSL?: boolean;
}

/**
 * The one place the effective proxy for `target` is decided. Precedence follows the mode:
 * the extension's own settings, or VS Code's `http.proxy` (falling back to the environment
 * when it is empty, as VS Code does), or the environment; each with its no-proxy list.
 */
export function resolveProxy(settings: ProxySettings, target: string | URL, context: ProxyContext = {}): ProxyResolution {
  const url = new URL(target);
  const strictSSL = context.strictSSL ?? true;
  const env = context.env ?? process.env;
  switch (settings.mode) {
    case 'off':
      return { source: 'off', strictSSL };
    case 'settings': {
      // Basic auth needs a user name; a password alone is not sent.
      const authorization = settings.user ? basicAuthorization(settings.user, settings.password) : undefined;
      const proxy = endpoint(settings.host, settings.port, settings.user || undefined, authorization);
      return applyNoProxy({ proxy, source: 'settings', strictSSL }, url, settings.noProxy);
    }
    case 'vscode': {
      if (!context.vscodeHttpProxy?.trim()) return fromEnvironment(url, env, strictSSL);
      const proxy = parseProxyUrl(context.vscodeHttpProxy, context.vscodeProxyAuthorization);
      return applyNoProxy({ proxy, source: 'vscode', strictSSL }, url, context.vscodeNoProxy ?? []);
    }
    case 'environment':
      return fromEnvironment(url, env, strictSSL);
  }
}

/** HTTP(S)_PROXY and NO_PROXY as curl and undici read them: lower case first, https falls back to http. */
function fromEnvironment(url: URL, env: NodeJS.ProcessEnv, strictSSL: boolean): ProxyResolution {
  const source = 'environment';
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => v);
  const httpProxy = pick('http_proxy', 'HTTP_PROXY');
  const value = url.protocol === 'https:' ? (pick('https_proxy', 'HTTPS_PROXY') ?? httpProxy) : httpProxy;
  if (!value) return { source, strictSSL };
  const noProxy = splitNoProxyList(pick('no_proxy', 'NO_PROXY') ?? '');
  return applyNoProxy({ proxy: parseProxyUrl(value), source, strictSSL }, url, noProxy);
}

function applyNoProxy(resolution: ProxyResolution, url: URL, list: readonly string[]): ProxyResolution {
  // Entries from the environment or VS Code that do not parse are ignored, as curl does;
  // the extension's own list is validated when the settings are read.
  const entries = list.map(parseNoProxyEntry).filter((e): e is NoProxyEntry => e !== undefined);
  const match = findNoProxyMatch(url, entries);
  return match ? { source: resolution.source, strictSSL: resolution.strictSSL, bypassedBy: match.text } : resolution;
}

/**
 * Parses a proxy URL such as `http://user:pass@proxy:3128` or `proxy:3128`. Credentials move
 * into a Secret, and neither the error nor the result ever carries the raw string.
 */
export function parseProxyUrl(value: string, authorizationHeader?: string): ProxyEndpoint {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new SetupError('ProxyUrlInvalid', 'The proxy address is not a valid URL.', {});
  }
  if (url.protocol !== 'http:') {
    throw new SetupError('ProxyUrlInvalid', `Only http:// proxies are supported (got ${url.protocol}//).`, { scheme: url.protocol });
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const authorization = authorizationHeader
    ? new Secret(authorizationHeader)
    : username
      ? basicAuthorization(username, new Secret(decodeURIComponent(url.password)))
      : undefined;
  const { host, port } = hostAndPort(url);
  return endpoint(host, port, username, authorization);
}

function endpoint(host: string, port: number, username: string | undefined, authorization: Secret | undefined): ProxyEndpoint {
  const bare = bareHost(host);
  const origin = `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
  return { origin, host: bare, port, username, authorization };
}

function basicAuthorization(user: string, password: Secret | undefined): Secret {
  return new Secret(`Basic ${Buffer.from(`${user}:${password?.reveal() ?? ''}`).toString('base64')}`);
}

/** `http://user@host:port` for logs and messages. */
export function describeProxy(proxy: ProxyEndpoint): string {
  return proxy.username ? proxy.origin.replace('://', `://${encodeURIComponent(proxy.username)}@`) : proxy.origin;
}

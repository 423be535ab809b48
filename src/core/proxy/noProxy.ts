import { BlockList, isIP } from 'node:net';

/**
 * One entry of a no-proxy list, in the forms curl, undici's EnvHttpProxyAgent and VS Code's
 * `http.noProxy` accept: `*`, a host name (matching itself and its subdomains), `.suffix` or
 * `*.suffix` (the same), an IP address, a CIDR range, each optionally with `:port`
 * (`[v6]:port` for IPv6).
 */
export type NoProxyEntry =
  | { kind: 'all'; text: string }
  | { kind: 'host'; text: string; host: string; port?: number }
  | { kind: 'ip'; text: string; range: BlockList; port?: number };

/** Splits an environment-style list (`NO_PROXY`): commas and/or white space. */
export function splitNoProxyList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/** Parses one entry; undefined when it is not a valid entry. */
export function parseNoProxyEntry(raw: string): NoProxyEntry | undefined {
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === '*') return { kind: 'all', text };

  const { address, port } = splitPort(text);
  if (port !== undefined && !(port >= 1 && port <= 65535)) return undefined;

  const [ip, prefixText, ...rest] = address.split('/');
  const family = isIP(ip);
  if (family !== 0) {
    const maxPrefix = family === 4 ? 32 : 128;
    if (rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return undefined;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (prefix > maxPrefix) return undefined;
    const range = new BlockList();
    range.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'ip', text, range, port };
  }

  const host = address.replace(/^\*?\./, '');
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host)) return undefined;
  return { kind: 'host', text, host, port };
}

function splitPort(text: string): { address: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { address: bracketed[1], port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  // More than one colon without brackets is a bare IPv6 address (with no port).
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  if (withPort) return { address: withPort[1], port: Number(withPort[2]) };
  return { address: text };
}

/**
 * The entry that sends `target` direct, if any. Host entries match by name only: no DNS lookup
 * is made, so a CIDR range matches targets given as IP addresses.
 */
export function findNoProxyMatch(target: URL, entries: readonly NoProxyEntry[]): NoProxyEntry | undefined {
  const { host: hostname, port } = hostAndPort(target);
  const family = isIP(hostname);
  return entries.find((entry) => {
    if (entry.kind === 'all') return true;
    if (entry.port !== undefined && entry.port !== port) return false;
    if (entry.kind === 'ip') return family !== 0 && entry.range.check(hostname, family === 4 ? 'ipv4' : 'ipv6');
    return hostname === entry.host || hostname.endsWith(`.${entry.host}`);
  });
}

export function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

/** An IPv6 address without the brackets URLs put around it. */
export function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** A URL's host (bare) and port (the scheme's default when the URL has none). */
export function hostAndPort(url: URL): { host: string; port: number } {
  return { host: bareHost(url.hostname), port: Number(url.port) || defaultPort(url.protocol) };
}

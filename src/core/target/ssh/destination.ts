/**
 * From what the admin typed or picked to an SshDestination: a Host alias from ssh config, or
 * `host`, `user@host`, `user@host:port`, `user@[v6addr]:port`. What is typed wins over the
 * config (as on ssh's command line), the config over the defaults (port 22, the local user, the
 * standard key files that exist).
 */
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clipParam } from '../../errors';
import { sshError } from './errors';
import { configFor, defaultSshConfigFile, expandIncludes, expandTokens, parseSshConfig, type HostBlock } from './sshConfig';
import { SshCode, type SshDestination } from './types';

export interface ResolveOptions {
  /** The config's text; read from `configFile` (default ~/.ssh/config) when absent. */
  configText?: string;
  configFile?: string;
  /** The default remote user; the local user when absent. */
  user?: string;
  /** The home folder `~` means; the local user's when absent. */
  home?: string;
}

interface Typed {
  user?: string;
  host: string;
  port?: number;
}

/** ProxyJump chains longer than this are a loop in the config. */
const MAX_JUMP_DEPTH = 8;
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Room for a destination whose host name is as long as DNS allows, with a user and a port. */
const SHOWN_DESTINATION = 300;

const invalid = (destination: string, reason: string) =>
  sshError(SshCode.InvalidDestination, { destination: clipParam(destination, SHOWN_DESTINATION), reason: clipParam(reason, SHOWN_DESTINATION) });

/** The longest host name DNS can carry, written out (RFC 1035: 255 octets on the wire). */
export const MAX_HOST_NAME_LENGTH = 253;

/** Why `host` is not a host name (letters, digits, `.`, `-`, `_`, not starting with `-`, at most 253 long) or an IP address. */
function hostProblem(host: string): string | undefined {
  if (isIP(host) !== 0) return undefined;
  if (host.length > MAX_HOST_NAME_LENGTH) return `the host name is ${host.length} characters long, and a host name has at most ${MAX_HOST_NAME_LENGTH}`;
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(host) ? undefined : `"${host}" is not a host name or an IP address`;
}

function parsePort(text: string, destination: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw invalid(destination, `the port "${text}" is not a number from 1 to 65535`);
  return port;
}

/** Splits `[user@]host[:port]` (IPv6 in brackets when a port follows) and checks each part. */
export function parseTypedDestination(text: string): Typed {
  const trimmed = text.trim();
  if (!trimmed) throw invalid(text, 'it is empty');
  if (/\s/.test(trimmed)) throw invalid(text, 'it contains spaces');
  const at = trimmed.lastIndexOf('@');
  const user = at >= 0 ? trimmed.slice(0, at) : undefined;
  const rest = trimmed.slice(at + 1);
  if (user !== undefined && (!user || user.startsWith('-') || /[:/]/.test(user) || [...user].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f'))) throw invalid(text, 'the user name is not valid');
  let host: string;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    if (isIP(host) !== 6) throw invalid(text, `"${host}" in brackets is not an IPv6 address`);
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2], text);
  } else if (isIP(rest) === 6) {
    host = rest; // a bare IPv6 address has no room for a port
  } else {
    const colon = rest.indexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    if (colon >= 0) port = parsePort(rest.slice(colon + 1), text);
  }
  const problem = hostProblem(host);
  if (problem) throw invalid(text, problem);
  return { user, host, port };
}

async function loadConfig(options: ResolveOptions, home: string): Promise<HostBlock[]> {
  let text = options.configText;
  if (text === undefined) {
    text = await fs.readFile(options.configFile ?? defaultSshConfigFile(home), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw invalid(options.configFile ?? defaultSshConfigFile(home), `the ssh config file cannot be read (${err.code ?? 'error'})`);
    });
  }
  return parseSshConfig(await expandIncludes(text, home));
}

/** `ProxyJump none`, `ProxyCommand none`: no proxy, and no later value either. */
const isNone = (value: string) => value.trim().toLowerCase() === 'none';

async function existing(files: string[]): Promise<string[]> {
  const found = await Promise.all(files.map((f) => fs.access(f).then(() => f, () => undefined)));
  return found.filter((f): f is string => f !== undefined);
}

async function resolveWith(text: string, blocks: HostBlock[], home: string, defaultUser: string, depth: number): Promise<SshDestination> {
  if (depth > MAX_JUMP_DEPTH) throw invalid(text, 'its ProxyJump chain is longer than 8 hops (a loop in the ssh config?)');
  const typed = parseTypedDestination(text);
  const config = configFor(blocks, typed.host);
  const hostName = config.hostName ? config.hostName.replace(/%(.)/g, (w, c: string) => (c === 'h' ? typed.host : c === '%' ? '%' : w)) : typed.host;
  const problem = hostProblem(hostName);
  if (problem) throw invalid(text, `its HostName is not valid: ${problem}`);
  const port = typed.port ?? (config.port !== undefined ? parsePort(config.port, text) : 22);
  const user = typed.user ?? config.user ?? defaultUser;
  const tokens = { home, host: hostName, port, remoteUser: user, localUser: os.userInfo().username };
  const identityFiles = config.identityFiles.length
    ? config.identityFiles.map((f) => expandTokens(f, tokens))
    : await existing(DEFAULT_KEYS.map((k) => path.join(home, '.ssh', k)));
  const hops = config.proxyJump && !isNone(config.proxyJump) ? config.proxyJump.split(',').map((h) => h.trim()).filter(Boolean) : [];
  const jumps: SshDestination[] = [];
  for (const hop of hops) jumps.push(await resolveWith(hop, blocks, home, defaultUser, depth + 1));
  const proxyCommand = config.proxyCommand && !isNone(config.proxyCommand) ? expandTokens(config.proxyCommand, tokens) : undefined;
  return { name: text.trim(), host: hostName, port, user, identityFiles, jumps, ...(proxyCommand ? { proxyCommand } : {}) };
}

/** Refuses unusable text with SshCode.InvalidDestination. */
export async function resolveDestination(text: string, opts: ResolveOptions = {}): Promise<SshDestination> {
  const home = opts.home ?? os.homedir();
  const blocks = await loadConfig(opts, home);
  return resolveWith(text, blocks, home, opts.user ?? os.userInfo().username, 0);
}

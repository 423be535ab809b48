/**
 * The HTTP targets' side of the wire: a real local vault in a temp folder on loopback, clients
 * with each identity it knows (its credentials certificate, a machine certificate, none), and
 * the sorting of its answers. A refusal must be a 4xx with the error envelope (the vault's, or
 * ARM's, same shape); Node's own 4xx for a request it cannot parse is counted apart. A 5xx or a
 * transport error is thrown: an uncaught exception of the vault.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import { Store } from '../../src/vault/store';
import { startTestVault, tempDir, type ClientIdentity, type TestVault } from '../../test/support/vault';
import { ACCEPTED } from './loop';
import { COMMON_WORDS, mutateText } from './mutate';
import type { Rand } from './random';

export type Identity = 'credentials' | 'machine' | 'none';

export interface HttpInput {
  listener: 'api' | 'admin';
  identity: Identity;
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Requests in flight at once: enough to keep the vault busy, not the other helpers' cores. */
export const HTTP_CONCURRENCY = 4;
const TIMEOUT_MS = 10_000;

export interface FuzzVault {
  vault: TestVault;
  adminToken: string;
  armToken: string;
  /** Identities the clients present, set once the target has them. */
  identities: Partial<Record<Identity, ClientIdentity>>;
  send(input: HttpInput): Promise<string>;
  /** The vault afterwards: health answered, state on disk readable, admin API answering. */
  after(): Promise<Record<string, boolean>>;
  close(): Promise<void>;
}

/** Fixed tokens for the throwaway vault, so that a saved input replays with the token it was sent with. */
const TOKENS = { 'admin-token': 'fuzz-admin-token-not-a-secret', 'arm-token': 'fuzz-arm-token-not-a-secret' };

export async function startFuzzVault(): Promise<FuzzVault> {
  const dataDir = await tempDir('fuzz-vault-');
  for (const [file, token] of Object.entries(TOKENS)) await fs.writeFile(path.join(dataDir, file), `${token}\n`, { mode: 0o600 });
  const vault = await startTestVault({ dataDir });
  const identities: FuzzVault['identities'] = {};
  const agents = new Map<string, Dispatcher>();
  const agentFor = (input: HttpInput): Dispatcher => {
    const key = input.listener === 'admin' ? 'admin' : input.identity;
    let agent = agents.get(key);
    if (!agent) {
      const identity = input.listener === 'admin' ? undefined : identities[input.identity];
      const tls = !identity ? {} : 'pfx' in identity ? { pfx: identity.pfx, passphrase: '' } : { cert: identity.certPem, key: identity.keyPem };
      agent = new Agent({ connections: HTTP_CONCURRENCY, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, connect: { ca: vault.caCertPem, ...tls } });
      agents.set(key, agent);
    }
    return agent;
  };
  const fuzzVault: FuzzVault = {
    vault,
    adminToken: TOKENS['admin-token'],
    armToken: TOKENS['arm-token'],
    identities,
    async send(input) {
      const base = input.listener === 'admin' ? vault.adminUrl : vault.url;
      const bodyless = input.method === 'GET' || input.method === 'HEAD';
      const response = await request(`${base}${input.path}`, {
        method: input.method as Dispatcher.HttpMethod,
        headers: input.headers,
        body: bodyless ? undefined : input.body,
        dispatcher: agentFor(input),
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return outcome(input.method, response.statusCode, String(response.headers['content-type'] ?? ''), body);
    },
    async after() {
      const health = await request(`${vault.url}/v1/health`, { dispatcher: agentFor({ listener: 'api', identity: 'none' } as HttpInput) });
      const healthy = health.statusCode === 200 && ((await health.body.json()) as { status?: string }).status === 'ok';
      const listed = await request(`${vault.adminUrl}/admin/v1/vaults`, { headers: { authorization: `Bearer ${fuzzVault.adminToken}` }, dispatcher: agentFor({ listener: 'admin' } as HttpInput) });
      const vaults = listed.statusCode === 200 ? ((await listed.body.json()) as unknown[]).length : -1;
      // The state file as a restarted vault would read it, schema and all.
      const store = await Store.open(path.join(vault.dataDir, 'state.json')).catch(() => undefined);
      return {
        'health OK': healthy,
        'state readable': store !== undefined && Object.keys(store.state.vaults).length === vaults,
      };
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close()));
      await vault.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
  return fuzzVault;
}

function outcome(method: string, status: number, contentType: string, body: Buffer): string {
  if (status < 400) return ACCEPTED;
  if (status < 500) {
    // A HEAD answer is the GET's without its body.
    if (method === 'HEAD') return `${status} (HEAD)`;
    if (!contentType.startsWith('application/json')) return `${status} (node http)`;
    const code = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'string') return `${status} ${code}`;
  }
  throw new Error(`HTTP ${status}: ${body.toString('utf8').slice(0, 300)}`);
}

const HEADER_NAMES = ['content-type', 'accept', 'x-ms-client-request-id', 'x-forwarded-for', 'cookie', 'range', 'if-none-match', 'x-custom'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', ''];

/** Header values as the wire carries them: visible ASCII and inner spaces (undici refuses the rest). */
export function headerValue(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '_').trim();
}

/** A path as a client can send it: other bytes percent-encoded, `%` left alone for bad escapes. */
export function wirePath(text: string): string {
  // Byte by byte, so that a lone surrogate goes out as U+FFFD's bytes (encodeURIComponent throws on one).
  const encoded = Array.from(text, (c) => (/[\x21-\x7e]/.test(c) ? c : [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('');
  return encoded.startsWith('/') ? encoded : `/${encoded}`;
}

/**
 * A path mutated as text, or one of its segments replaced by a word (`constructor`, `%ZZ`, `..`):
 * where a router's lookups and decoding meet names they did not expect.
 */
export function mutatePath(path: string, r: Rand, words: readonly string[]): string {
  if (r.chance(0.5)) return wirePath(mutateText(path, r, words));
  const [route = '', query] = path.split('?');
  const segments = route.split('/');
  segments[1 + r.int(segments.length - 1)] = r.pick(words);
  return wirePath(`${segments.join('/')}${query === undefined ? '' : `?${query}`}`);
}

/** The headers mutated: one dropped, retyped, added, or made long. */
export function mutateHeaders(headers: Record<string, string>, r: Rand): Record<string, string> {
  const out = { ...headers };
  const keys = Object.keys(out);
  switch (r.int(5)) {
    case 0: if (keys.length) delete out[r.pick(keys)]; break;
    case 1: out['content-type'] = r.pick(CONTENT_TYPES); break;
    case 2: out[r.pick(HEADER_NAMES)] = headerValue(mutateText('value', r)); break;
    case 3: if (keys.length) { const k = r.pick(keys); out[k] = headerValue(mutateText(out[k]!, r, COMMON_WORDS)); } break;
    default: out[r.pick(HEADER_NAMES)] = 'v'.repeat(r.pick([100, 8_000, 17_000]));
  }
  return out;
}

/** `Authorization` as a client might get it wrong: missing, another scheme, a mangled token. */
export function mutateAuthorization(token: string, r: Rand): string | undefined {
  switch (r.int(6)) {
    case 0: return undefined;
    case 1: return `Basic ${token}`;
    case 2: return `bearer ${token}`;
    case 3: return `Bearer  ${token}`;
    case 4: return `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    default: return headerValue(mutateText(`Bearer ${token}`, r));
  }
}

/** Keeps `value` when it breaks `valid`, else swaps in one of `pool`: accepted inputs stay few, so the state stays small. */
export function bounded<T>(value: T, valid: (v: T) => boolean, pool: readonly T[], r: Rand): T {
  return valid(value) ? r.pick(pool) : value;
}

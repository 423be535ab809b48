/**
 * The setup page's message protocol (src/webview/protocol.ts) as both sides check what they
 * receive: the host parses the page's messages with fromWebviewSchema and logs a rejected one
 * with describeRejected (SetupPageRouter.receive); the page parses the host's with
 * toWebviewSchema, then a response's result against its method's schema (RpcClient.receive).
 * Valid messages of every method, mutated field by field, with types, lengths and unicode.
 */
import { describeRejected, fromWebviewSchema, METHODS, RESULTS, toWebviewSchema, type FromWebview, type Method } from '../../src/webview/protocol';
import { ACCEPTED, type Target } from '../lib/loop';
import { mutateJson } from '../lib/mutate';

const PAGE_MESSAGES: FromWebview[] = [
  { kind: 'ready' },
  { kind: 'cancel', id: 3 },
  { kind: 'request', id: 1, method: 'credentials/pick', params: {} },
  { kind: 'request', id: 2, method: 'credentials/select', params: { file: '/home/u/lab1.VaultCredentials' } },
  { kind: 'request', id: 3, method: 'folder/pick', params: { purpose: 'cache' } },
  { kind: 'request', id: 4, method: 'install/setFolder', params: { folder: '/opt/backup' } },
  { kind: 'request', id: 5, method: 'cache/set', params: { folder: '', dataSizeBytes: 1_000_000 } },
  { kind: 'request', id: 6, method: 'proxy/set', params: { mode: 'settings', host: 'proxy.example', port: 3128, user: 'u', password: 'p', noProxy: ['localhost', '*.lab'] } },
  { kind: 'request', id: 7, method: 'passphrase/save', params: { file: '/home/u/passphrase.txt', accept: ['PassphraseFileInWorkspace'] } },
  { kind: 'request', id: 8, method: 'passphrase/set', params: { value: 'correct horse battery staple 1234' } },
  { kind: 'request', id: 9, method: 'register', params: { accept: [] } },
  { kind: 'request', id: 10, method: 'error/nextStep', params: { action: 'selectCredentials' } },
];
const HOST_MESSAGES: unknown[] = [
  { kind: 'response', id: 1, ok: true, result: { cancelled: false } },
  { kind: 'response', id: 9, ok: true, result: { registered: { registrationId: 'r', serverName: 's', vaultName: 'v' } } },
  { kind: 'response', id: 7, ok: true, result: { cancelled: false, confirm: { file: '/f', warnings: [{ code: 'W', text: 'w' }] } } },
  { kind: 'response', id: 2, ok: false, error: { code: 'VaultCredentialExpired', message: 'Expired.', params: { days: 3, ok: false }, next: { action: 'selectCredentials', label: 'Select' } } },
];
const WORDS = [...METHODS, 'request', 'response', 'notification', 'cancel', 'ready', '__proto__', 'constructor', 'toString', '\u0000', '😀', '\uD800'];

/** A value only structured clone carries (what postMessage delivers besides JSON). */
const CLONEABLE = [undefined, NaN, -0, Infinity, 10n, new Date(0), new Map([[1, 2]]), new Set([1]), /x/g, new Uint8Array(3), new Array(3)];

export const webviewTarget: Target<{ side: 'host' | 'page'; message: unknown; method: Method }> = {
  name: 'webview',
  async open() {
    return {
      generate(r) {
        const side = r.chance(0.7) ? 'host' : 'page';
        const seed = r.pick<unknown>(side === 'host' ? PAGE_MESSAGES : HOST_MESSAGES);
        let message = mutateJson(seed, r, WORDS);
        for (let n = r.int(3); n > 0; n--) message = mutateJson(message, r, WORDS);
        if (r.chance(0.05) && message !== null && typeof message === 'object') (message as Record<string, unknown>)[r.pick(['id', 'params', 'result', 'kind'])] = r.pick(CLONEABLE);
        return { side, message, method: r.pick(METHODS) };
      },
      run({ side, message, method }) {
        // A message either fits the protocol or is dropped after one log line: safeParse never throws.
        if (side === 'host') {
          const parsed = fromWebviewSchema.safeParse(message);
          if (parsed.success) return ACCEPTED;
          describeRejected(message);
          return 'host: not the protocol';
        }
        const parsed = toWebviewSchema.safeParse(message);
        if (!parsed.success) {
          describeRejected(message);
          return 'page: not the protocol';
        }
        if (parsed.data.kind !== 'response' || !parsed.data.ok) return ACCEPTED;
        return RESULTS[method].safeParse(parsed.data.result).success ? ACCEPTED : 'page: result does not fit';
      },
      close: async () => undefined,
    };
  },
};

/**
 * The page's side of the protocol: requests with ids whose responses resolve them, cancellation,
 * and notifications. Every inbound message is parsed first; a malformed one is dropped and
 * counted (the page keeps working), as the host does with the page's.
 */
import {
  describeRejected,
  PROTOCOL_ERRORS,
  RESULTS,
  toWebviewSchema,
  type Method,
  type ParamsOf,
  type ResultOf,
  type ToWebview,
  type WireError,
} from './protocol';
import { vscodeApi } from './vscodeApi';

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: WireError };
type Notification = Extract<ToWebview, { kind: 'notification' }>;

interface Pending {
  method: Method;
  resolve(outcome: Outcome<unknown>): void;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** How many inbound messages were rejected; shown on the page's root for diagnostics. */
  rejected = 0;

  constructor(private readonly onNotification: (n: Notification) => void) {
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
  }

  ready(): void {
    vscodeApi.postMessage({ kind: 'ready' });
  }

  request<M extends Method>(method: M, params: ParamsOf<M>): { id: number; outcome: Promise<Outcome<ResultOf<M>>> } {
    const id = this.nextId++;
    const outcome = new Promise<Outcome<ResultOf<M>>>((resolve) => {
      this.pending.set(id, { method, resolve: resolve as Pending['resolve'] });
    });
    vscodeApi.postMessage({ kind: 'request', id, method, params });
    return { id, outcome };
  }

  cancel(id: number): void {
    if (this.pending.has(id)) vscodeApi.postMessage({ kind: 'cancel', id });
  }

  private receive(data: unknown): void {
    const parsed = toWebviewSchema.safeParse(data);
    if (!parsed.success) return this.reject(data);
    const message = parsed.data;
    if (message.kind === 'notification') return this.onNotification(message);
    const pending = this.pending.get(message.id);
    if (!pending) return this.reject(data);
    this.pending.delete(message.id);
    if (!message.ok) return pending.resolve({ ok: false, error: message.error });
    const result = RESULTS[pending.method].safeParse(message.result);
    if (!result.success) {
      this.reject(data);
      // The page words this one itself (PageContext.errorText): it has no message from the host.
      return pending.resolve({ ok: false, error: { code: PROTOCOL_ERRORS.invalidResponse, message: '', params: {} } });
    }
    pending.resolve({ ok: true, result: result.data });
  }

  private reject(data: unknown): void {
    this.rejected++;
    document.documentElement.dataset.rejectedMessages = String(this.rejected);
    console.warn(`Backup Agent Setup: ignored a message that is not part of the protocol (${describeRejected(data)}).`);
  }
}

/**
 * The host's side of the protocol. Until the page says `ready` (again after each restore, the
 * page having been destroyed while hidden) messages wait in an outbox; `ready` is answered with
 * the strings and a fresh snapshot. Every message from the page is parsed first: a malformed or
 * unknown one is logged by kind and method only (never its values, which may hold a secret) and
 * dropped. Each request runs with its own AbortController, which `cancel` aborts.
 */
import * as vscode from 'vscode';
import { CancelledError, isSetupError, REGISTER_STAGES } from '../../../core/service';
import {
  describeRejected,
  fromWebviewSchema,
  PROTOCOL_ERRORS,
  type Method,
  type RequestMessage,
  type ToWebview,
  type WireError,
} from '../../../webview/protocol';
import type { SetupSession } from '../session';
import type { Handlers } from './handlers';
import { localisedStrings } from './strings';
import { toView, wireError, type Localise } from './view';

export class SetupPageRouter implements vscode.Disposable {
  private ready = false;
  private outbox: ToWebview[] = [];
  private readonly running = new Map<number, { method: Method; controller: AbortController }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly session: SetupSession,
    private readonly handlers: Handlers,
    private readonly log: vscode.LogOutputChannel,
    private readonly localise: Localise,
    /** Called once per handshake, for the time-to-interactive figure. */
    private readonly onReady: () => void = () => undefined,
  ) {
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      session.onDidChange(() => this.post({ kind: 'notification', method: 'session/changed', params: toView(session.snapshot(), localise) })),
    );
  }

  /** The page is gone (hidden without retained context): wait for its next `ready`. */
  pageGone(): void {
    this.ready = false;
    this.outbox = [];
  }

  receive(raw: unknown): void {
    const parsed = fromWebviewSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`Setup page: ignored a message from the webview that is not part of the protocol (${describeRejected(raw)}).`);
      return;
    }
    const message = parsed.data;
    if (message.kind === 'ready') return this.handshake();
    if (message.kind === 'cancel') {
      this.running.get(message.id)?.controller.abort();
      return;
    }
    void this.handle(message as RequestMessage);
  }

  private handshake(): void {
    this.ready = true;
    const queued = this.outbox.filter((m) => m.kind === 'response');
    this.outbox = [];
    this.send({
      kind: 'notification',
      method: 'webview/init',
      params: { locale: vscode.env.language, strings: localisedStrings(), registerStages: [...REGISTER_STAGES], snapshot: toView(this.session.snapshot(), this.localise) },
    });
    for (const m of queued) this.send(m);
    this.onReady();
  }

  private async handle(request: RequestMessage): Promise<void> {
    const { id, method } = request;
    if (this.running.has(id) || [...this.running.values()].some((r) => r.method === method)) {
      return this.post({ kind: 'response', id, ok: false, error: { code: PROTOCOL_ERRORS.busy, message: vscode.l10n.t('This is already running.'), params: { method } } });
    }
    const controller = new AbortController();
    this.running.set(id, { method, controller });
    try {
      const run = this.handlers[method] as (params: unknown, signal: AbortSignal) => Promise<unknown>;
      const result = await run(request.params, controller.signal);
      this.post({ kind: 'response', id, ok: true, result });
    } catch (err) {
      this.post({ kind: 'response', id, ok: false, error: this.errorFor(method, err, controller.signal) });
    } finally {
      this.running.delete(id);
    }
  }

  private errorFor(method: Method, err: unknown, signal: AbortSignal): WireError {
    if (err instanceof CancelledError || signal.aborted) {
      return { code: PROTOCOL_ERRORS.cancelled, message: vscode.l10n.t('Cancelled.'), params: {} };
    }
    if (isSetupError(err)) return wireError(err, this.localise);
    // Not a refusal the core words: its class goes to the log, the page gets a generic line.
    this.log.error(`Setup page: ${method} failed unexpectedly (${err instanceof Error ? err.name : typeof err}).`);
    return { code: PROTOCOL_ERRORS.failed, message: vscode.l10n.t('Something went wrong; see the log.'), params: { method } };
  }

  private post(message: ToWebview): void {
    if (this.ready) this.send(message);
    else this.outbox.push(message);
  }

  private send(message: ToWebview): void {
    void this.webview.postMessage(message).then(undefined, () => undefined);
  }

  dispose(): void {
    for (const r of this.running.values()) r.controller.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

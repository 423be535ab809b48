/** What every step of the page shares: strings, the protocol client, drafts and announcements. */
import { button, fill, h } from './dom';
import { PROTOCOL_ERRORS, type Method, type ParamsOf, type ResultOf, type ViewSnapshot, type WireError } from './protocol';
import type { Outcome, RpcClient } from './rpc';
import { format, STRINGS, type StringKey } from './strings';
import { PERSISTED_FIELDS, vscodeApi, type PersistedState } from './vscodeApi';

export type StepState = 'done' | 'todo' | 'problem' | 'working';

export interface Step {
  readonly section: HTMLElement;
  setState(state: StepState): void;
  update(snapshot: ViewSnapshot): void;
  state(snapshot: ViewSnapshot): StepState;
}

export class PageContext {
  private last?: ViewSnapshot;
  private renderer?: (snapshot: ViewSnapshot) => void;

  constructor(
    private readonly strings: Partial<Record<StringKey, string>>,
    readonly rpc: RpcClient,
    readonly registerStages: readonly string[],
    private readonly persisted: PersistedState,
    private readonly announcer: HTMLElement,
  ) {}

  /** Renders `snapshot` with `renderer` now and whenever a step asks for it again. */
  render(snapshot: ViewSnapshot, renderer: (snapshot: ViewSnapshot) => void): void {
    this.last = snapshot;
    this.renderer = renderer;
    renderer(snapshot);
  }

  /**
   * Renders the last snapshot again: a field whose draft was just accepted follows the session
   * once more, even though the session's change arrived before the answer that accepted it.
   */
  rerender(): void {
    if (this.last) this.renderer?.(this.last);
  }

  /** The host's text for `key`, or the English one if the host's table lacks it. */
  t(key: StringKey, ...args: Array<string | number>): string {
    return format(this.strings[key] ?? STRINGS[key], ...args);
  }

  /** A stage's label, or its name when the table has none. */
  stage(name: string): string {
    return (this.strings as Record<string, string>)[`stage.${name}`] ?? name;
  }

  errorText(error: WireError): string {
    const message = error.code === PROTOCOL_ERRORS.invalidResponse ? this.t('responseInvalid') : error.message;
    return this.t('errorWithCode', message, error.code);
  }

  /** Reads a draft saved before the page was hidden. */
  draft(id: string): string | undefined {
    return this.persisted.drafts[id];
  }

  /** Remembers a typed value across hide/restore, unless the field may hold a secret. */
  saveDraft(id: string, value: string | undefined): void {
    if (!(PERSISTED_FIELDS as readonly string[]).includes(id)) return;
    if (value === undefined) delete this.persisted.drafts[id];
    else this.persisted.drafts[id] = value;
    this.persist();
  }

  persist(extra: Partial<PersistedState> = {}): void {
    Object.assign(this.persisted, extra);
    vscodeApi.setState(this.persisted);
  }

  /** Says something to screen readers through the page's polite live region. */
  announce(text: string): void {
    this.announcer.textContent = '';
    // A new text node in a later frame makes screen readers read repeated messages again.
    requestAnimationFrame(() => { this.announcer.textContent = text; });
  }

  /** Sends a request with `button` disabled meanwhile; shows a refusal in `result`. */
  async act<M extends Method>(
    button: HTMLButtonElement,
    result: HTMLElement,
    method: M,
    params: ParamsOf<M>,
  ): Promise<Outcome<ResultOf<M>>> {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const outcome = await this.rpc.request(method, params).outcome;
      if (!outcome.ok) this.showError(result, outcome.error);
      return outcome;
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  /**
   * Shows a refusal in a step's result area with its way forward; announced when it answers the
   * user's action.
   */
  showError(result: HTMLElement, error: WireError, announce = true): void {
    if (error.code === 'RequestCancelled') return;
    result.className = 'result problem';
    fill(result, h('p', {}, this.errorText(error)), this.nextStep(error, result));
    if (announce) this.announce(result.textContent ?? '');
  }

  /**
   * An error's way forward, as the notifications offer it: a button that runs its fixing command
   * (a refusal of that shows in `result`), or its instruction.
   */
  nextStep(error: WireError, result: HTMLElement): HTMLElement | undefined {
    const next = error.next;
    if (!next) return undefined;
    if ('instruction' in next) return h('p', { class: 'next-step' }, next.instruction);
    const run = button(next.label, { class: 'next-step' });
    run.addEventListener('click', () => void this.act(run, result, 'error/nextStep', { action: next.action }));
    return run;
  }
}

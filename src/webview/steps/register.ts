/**
 * Step 5: register, with the service's stages as they happen and a Cancel while it runs. The
 * warnings of the core's plan (those the palette's summary lists) come first: the user reads
 * them here and registers anyway, or not. Once registered, registering again is not the
 * page's main action any more (Change Properties is, below).
 */
import type { PageContext, Step } from '../context';
import { button, h } from '../dom';
import type { ViewSnapshot, WarningCode, WireWarning } from '../protocol';
import { resultArea, stepFrame } from './frame';

export function registerStep(ctx: PageContext, index: number, count: number): Step {
  const frame = stepFrame(ctx, 'step-register', index, count, 'registerTitle', 'registerHelp');
  const start = button(ctx.t('registerStart'), { id: 'register-start', class: 'primary' });
  const cancel = button(ctx.t('cancel'), { id: 'register-cancel', hidden: true });
  const stages = h('ol', { class: 'progress', id: 'register-stages', 'aria-label': ctx.t('registerStages') });
  const result = resultArea('register-result');
  const rows = new Map(ctx.registerStages.map((name) => [name, h('li', { 'data-stage': name }, ctx.stage(name))]));
  stages.append(...rows.values());
  stages.hidden = true;
  let running: number | undefined;
  /** When each stage began, for the time it took (shown once the next one starts). */
  let stageStarted = new Map<string, number>();
  let current: string | undefined;
  /** Whether the session last reported a recorded registration. */
  let registered = false;

  const warningList = h('ul', { id: 'register-warnings' });
  const go = button(ctx.t('registerAnyway'), { id: 'register-go', class: 'primary' });
  const dismiss = button(ctx.t('cancel'), { id: 'register-confirm-cancel' });
  const confirm = h('div', { id: 'register-confirm', class: 'result problem', role: 'alertdialog', 'aria-labelledby': 'register-confirm-text', 'aria-describedby': 'register-warnings', hidden: true },
    h('p', { id: 'register-confirm-text' }, ctx.t('registerConfirm')), warningList, h('div', { class: 'actions' }, go, dismiss));
  let accepted: WarningCode[] | undefined;
  const closeConfirm = () => {
    accepted = undefined;
    confirm.hidden = true;
    start.focus();
  };
  const askFirst = (warnings: WireWarning[], accept: WarningCode[]) => {
    accepted = [...accept, ...warnings.map((w) => w.code)];
    warningList.replaceChildren(...warnings.map((w) => h('li', { 'data-code': w.code }, w.text)));
    confirm.hidden = false;
    go.focus();
  };

  const run = async (accept: WarningCode[]) => {
    confirm.hidden = true;
    stageStarted = new Map();
    current = undefined;
    for (const row of rows.values()) { row.className = ''; row.removeAttribute('aria-current'); row.textContent = ctx.stage(row.dataset.stage!); }
    result.className = 'result';
    result.textContent = '';
    const { id, outcome } = ctx.rpc.request('register', { accept });
    running = id;
    start.disabled = true;
    cancel.hidden = false;
    cancel.focus();
    const done = await outcome;
    running = undefined;
    start.disabled = false;
    cancel.hidden = true;
    if (!done.ok) {
      ctx.showError(result, done.error);
      start.focus();
    } else if (done.result.confirm) {
      askFirst(done.result.confirm.warnings, accept);
    } else if (done.result.registered) {
      markStage(undefined);
      result.className = 'result ok';
      result.textContent = ctx.t('stateRegistered', done.result.registered.vaultName);
      ctx.announce(result.textContent);
      document.getElementById('finish')?.focus();
    }
  };
  start.addEventListener('click', () => void run([]));
  go.addEventListener('click', () => { if (accepted) void run(accepted); });
  dismiss.addEventListener('click', closeConfirm);
  confirm.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeConfirm(); });
  cancel.addEventListener('click', () => { if (running !== undefined) ctx.rpc.cancel(running); });

  /** Everything before `stage` is done (with its time); `stage` is current. */
  function markStage(stage: string | undefined): void {
    stages.hidden = false;
    if (stage === current) return;
    const now = performance.now();
    if (current && rows.has(current)) {
      const row = rows.get(current)!;
      row.className = 'done';
      row.removeAttribute('aria-current');
      row.textContent = `${ctx.stage(current)} — ${ctx.t('milliseconds', Math.round(now - (stageStarted.get(current) ?? now)))}`;
    }
    current = stage;
    if (stage && rows.has(stage)) {
      stageStarted.set(stage, now);
      const row = rows.get(stage)!;
      row.className = 'current';
      row.setAttribute('aria-current', 'step');
      ctx.announce(ctx.t('registerStageCurrent', ctx.stage(stage)));
    }
  }

  frame.body.append(h('div', { class: 'actions' }, start, cancel), confirm, stages, result);
  return {
    ...frame,
    state: (s) => (s.busy?.operation === 'register' ? 'working' : s.registration?.state === 'revoked' ? 'problem' : s.registration?.inUse ? 'done' : 'todo'),
    update(s: ViewSnapshot) {
      if (running !== undefined && s.busy?.operation === 'register') markStage(s.busy.stage);
      const now = Boolean(s.registration?.inUse);
      if (now === registered) return;
      registered = now;
      start.textContent = ctx.t(registered ? 'registerAgain' : 'registerStart');
      start.classList.toggle('primary', !registered);
      // Unregistered elsewhere: this page's last outcome no longer holds.
      if (!registered && running === undefined) {
        result.className = 'result';
        result.textContent = '';
        stages.hidden = true;
      }
    },
  };
}

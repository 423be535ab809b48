/** The frame every step shares: a numbered, labelled region with its state badge and help. */
import type { PageContext, StepState } from '../context';
import { h } from '../dom';
import type { StringKey } from '../strings';

export interface StepFrame {
  section: HTMLElement;
  body: HTMLElement;
  setState(state: StepState): void;
}

const STATE_LABEL: Record<StepState, StringKey> = { done: 'stateDone', todo: 'stateTodo', problem: 'stateProblem', working: 'stateWorking' };

export function stepFrame(ctx: PageContext, id: string, index: number, count: number, title: StringKey, help: StringKey): StepFrame {
  const headingId = `${id}-heading`;
  const badge = h('span', { class: 'badge', id: `${id}-state` });
  const heading = h('h2', { id: headingId },
    h('span', { class: 'step-number', 'aria-hidden': 'true' }, String(index)),
    h('span', { class: 'visually-hidden' }, `${ctx.t('stepOf', index, count)}: `),
    ctx.t(title), ' ', badge);
  const body = h('div', { class: 'step-body' });
  const section = h('section', { class: 'step', id, 'aria-labelledby': headingId, 'aria-describedby': `${id}-help` },
    heading, h('p', { class: 'help', id: `${id}-help` }, ctx.t(help)), body);
  return {
    section,
    body,
    setState(state) {
      section.dataset.state = state;
      badge.className = `badge ${state}`;
      badge.textContent = ctx.t(STATE_LABEL[state]);
    },
  };
}

/** A live region for a step's latest outcome. */
export function resultArea(id: string): HTMLElement {
  return h('div', { class: 'result', id, role: 'status', 'aria-live': 'polite' });
}

/** Keeps an input in step with the session unless the user has typed in it since. */
export function syncInput(input: HTMLInputElement | HTMLSelectElement, value: string): void {
  if (input.dataset.dirty === 'true' || document.activeElement === input) return;
  input.value = value;
}

/** Marks an input dirty when typed in, and saves its draft. */
export function trackDraft(ctx: PageContext, input: HTMLInputElement | HTMLSelectElement): void {
  const saved = ctx.draft(input.id);
  if (saved !== undefined) {
    input.value = saved;
    input.dataset.dirty = 'true';
  }
  input.addEventListener('input', () => {
    input.dataset.dirty = 'true';
    ctx.saveDraft(input.id, input.value);
  });
}

/** After the session accepted a value: the field follows the session again. */
export function clearDraft(ctx: PageContext, input: HTMLInputElement | HTMLSelectElement): void {
  delete input.dataset.dirty;
  ctx.saveDraft(input.id, undefined);
  ctx.rerender();
}

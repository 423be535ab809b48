/**
 * Which server the steps set up: this one, or a remote server reached over SSH. The host picks
 * and connects to the remote (ssh config or user@host:port, host-key trust, authentication); the
 * page only asks for it and shows the session's current choice.
 */
import type { PageContext } from '../context';
import { button, h } from '../dom';
import type { ViewSnapshot } from '../protocol';
import { resultArea } from './frame';

export function serverSection(ctx: PageContext): { section: HTMLElement; update(s: ViewSnapshot): void } {
  const radio = (value: 'local' | 'ssh', label: string) => {
    const input = h('input', { type: 'radio', name: 'target-kind', id: `target-${value}`, value });
    return { input, row: h('label', { class: 'choice', for: input.id }, input, ' ', label) };
  };
  const local = radio('local', ctx.t('targetLocal'));
  const remote = radio('ssh', ctx.t('targetRemote'));
  const current = h('p', { id: 'target-current', class: 'note' });
  const choose = button(ctx.t('targetChooseRemote'), { id: 'target-choose' });
  const result = resultArea('target-result');
  let shown: ViewSnapshot['target'] | undefined;

  const showSession = () => {
    local.input.checked = shown?.kind !== 'ssh';
    remote.input.checked = shown?.kind === 'ssh';
  };
  const pickRemote = async () => {
    result.textContent = '';
    const outcome = await ctx.act(choose, result, 'target/remote', {});
    // Cancelled or refused: the radio goes back to what the session still uses.
    if (!outcome.ok || outcome.result.cancelled) showSession();
  };
  remote.input.addEventListener('change', () => void pickRemote());
  choose.addEventListener('click', () => void pickRemote());
  local.input.addEventListener('change', () => {
    result.textContent = '';
    void ctx.act(choose, result, 'target/local', {});
  });

  const section = h('section', { id: 'target', class: 'target', 'aria-labelledby': 'target-heading' },
    h('h2', { id: 'target-heading' }, ctx.t('targetTitle')),
    h('div', { role: 'radiogroup', 'aria-labelledby': 'target-heading', class: 'choices' }, local.row, remote.row),
    current, h('div', { class: 'actions' }, choose), result);

  return {
    section,
    update(s) {
      shown = s.target;
      showSession();
      choose.hidden = s.target.kind !== 'ssh';
      current.textContent = s.target.kind === 'ssh' ? ctx.t('targetCurrentRemote', s.target.label) : ctx.t('targetCurrentLocal');
    },
  };
}

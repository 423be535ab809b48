/**
 * Step 4: the encryption passphrase. Its value reaches the page only when the user asks to see
 * it, lives in one element while shown, and is gone again on "Hide" or when the page is hidden.
 * It is never part of a draft or of the persisted state.
 */
import type { PageContext, Step } from '../context';
import { button, field, h } from '../dom';
import type { ViewSnapshot, WarningCode } from '../protocol';
import { clearDraft, resultArea, stepFrame, syncInput, trackDraft } from './frame';

export function passphraseStep(ctx: PageContext, index: number, count: number): Step {
  const frame = stepFrame(ctx, 'step-passphrase', index, count, 'passphraseTitle', 'passphraseHelp');
  const generate = button(ctx.t('passphraseGenerate'), { id: 'passphrase-generate', class: 'primary' });
  const own = field('passphrase-own', ctx.t('passphraseOwn'), { type: 'password', autocomplete: 'new-password' });
  const use = button(ctx.t('passphraseUse'), { id: 'passphrase-use' });
  const summary = h('p', { id: 'passphrase-summary' });
  const reveal = button(ctx.t('passphraseReveal'), { id: 'passphrase-reveal', 'aria-expanded': 'false', 'aria-controls': 'passphrase-shown' });
  const copy = button(ctx.t('passphraseCopy'), { id: 'passphrase-copy' });
  const shownValue = h('code', { id: 'passphrase-value' });
  const shown = h('div', { id: 'passphrase-shown', class: 'secret', hidden: true }, h('span', { class: 'label' }, `${ctx.t('passphraseShown')}: `), shownValue);
  // Its placeholder is the host's default (an absolute path), the file a Save with an empty box offers.
  const file = field('passphrase-file', ctx.t('passphraseSaveFile'));
  const save = button(ctx.t('passphraseSave'), { id: 'passphrase-save' });
  const result = resultArea('passphrase-result');
  trackDraft(ctx, file.input);

  const hide = () => {
    shownValue.textContent = '';
    shown.hidden = true;
    reveal.textContent = ctx.t('passphraseReveal');
    reveal.setAttribute('aria-expanded', 'false');
  };
  // A hidden page may be restored from its persisted state only: drop the value with it.
  document.addEventListener('visibilitychange', () => { if (document.hidden) hide(); });

  generate.addEventListener('click', async () => {
    hide();
    await ctx.act(generate, result, 'passphrase/generate', {});
  });
  const useOwn = async () => {
    hide();
    const outcome = await ctx.act(use, result, 'passphrase/set', { value: own.input.value });
    if (outcome.ok) own.input.value = '';
  };
  use.addEventListener('click', () => void useOwn());
  own.input.addEventListener('keydown', (e) => { if (e.key === 'Enter') void useOwn(); });
  reveal.addEventListener('click', async () => {
    if (!shown.hidden) return hide();
    const outcome = await ctx.act(reveal, result, 'passphrase/reveal', {});
    if (!outcome.ok) return;
    shownValue.textContent = outcome.result.value;
    shown.hidden = false;
    reveal.textContent = ctx.t('passphraseHide');
    reveal.setAttribute('aria-expanded', 'true');
  });
  copy.addEventListener('click', async () => {
    const outcome = await ctx.act(copy, result, 'passphrase/copy', {});
    if (outcome.ok) ctx.announce(ctx.t('passphraseCopied'));
  });
  const confirmList = h('ul', { id: 'passphrase-warnings' });
  const confirmText = h('p', { id: 'passphrase-confirm-text' });
  const saveHere = button(ctx.t('passphraseSaveHere'), { id: 'passphrase-save-here' });
  const confirm = h('div', { id: 'passphrase-confirm', class: 'result problem', role: 'alertdialog', 'aria-labelledby': 'passphrase-confirm-text', 'aria-describedby': 'passphrase-warnings', hidden: true },
    confirmText, confirmList, h('div', { class: 'actions' }, saveHere, button(ctx.t('cancel'), { id: 'passphrase-save-cancel' })));
  let pendingConfirm: { file: string; accept: WarningCode[] } | undefined;
  const closeConfirm = (focus: HTMLElement) => {
    pendingConfirm = undefined;
    confirm.hidden = true;
    focus.focus();
  };
  confirm.querySelector('#passphrase-save-cancel')!.addEventListener('click', () => closeConfirm(save));

  const saveTo = async (trigger: HTMLButtonElement, params: { file?: string; accept?: WarningCode[] }) => {
    const outcome = await ctx.act(trigger, result, 'passphrase/save', params);
    if (!outcome.ok || outcome.result.cancelled) return;
    const ask = outcome.result.confirm;
    if (ask) {
      // The core warned about this place: the user reads why and decides here, in the page.
      pendingConfirm = { file: ask.file, accept: [...(params.accept ?? []), ...ask.warnings.map((w) => w.code)] };
      confirmText.textContent = ctx.t('passphraseConfirm', ask.file);
      confirmList.replaceChildren(...ask.warnings.map((w) => h('li', { 'data-code': w.code }, w.text)));
      confirm.hidden = false;
      saveHere.focus();
      return;
    }
    closeConfirm(save);
    clearDraft(ctx, file.input);
  };
  save.addEventListener('click', () => {
    const path = file.input.value.trim();
    void saveTo(save, path ? { file: path } : {});
  });
  saveHere.addEventListener('click', () => { if (pendingConfirm) void saveTo(saveHere, pendingConfirm); });

  const present = h('div', { class: 'when-present' },
    h('div', { class: 'actions' }, reveal, copy), shown,
    file.row, h('div', { class: 'actions' }, save), confirm);
  frame.body.append(h('div', { class: 'actions' }, generate), own.row, h('div', { class: 'actions' }, use), summary, present, result);
  return {
    ...frame,
    state: (s) => (s.passphrase.present || s.registration?.inUse ? 'done' : 'todo'),
    update(s: ViewSnapshot) {
      const p = s.passphrase;
      present.hidden = !p.present;
      if (!p.present) hide();
      // A passphrase not saved yet (a new one) is offered a new file, never the previous one's.
      syncInput(file.input, p.savedTo ?? '');
      file.input.placeholder = p.defaultFile;
      const origin = p.origin === 'typed' ? ctx.t('passphraseTyped') : ctx.t('passphraseGenerated');
      const setAt = s.registration?.inUse?.passphraseSetAt;
      summary.replaceChildren(
        p.present ? ctx.t('passphraseSet', origin, Math.round(p.strengthBits ?? 0))
          : setAt ? ctx.t('passphraseInUse', new Date(setAt).toLocaleString()) : ctx.t('passphraseNone'),
        p.weak ? h('span', { class: 'warning' }, ` ${ctx.t('passphraseWeak')}`) : '',
        p.savedTo ? h('span', {}, ` ${ctx.t('passphraseSavedTo', p.savedTo)}`) : '',
      );
    },
  };
}

/** Step 1: the vault credentials file, typed or picked through the extension's open dialog. */
import type { PageContext, Step } from '../context';
import { button, field, h } from '../dom';
import type { ViewSnapshot } from '../protocol';
import { clearDraft, resultArea, stepFrame, syncInput, trackDraft } from './frame';

export function credentialsStep(ctx: PageContext, index: number, count: number): Step {
  const frame = stepFrame(ctx, 'step-credentials', index, count, 'credentialsTitle', 'credentialsHelp');
  const { row, input } = field('credentials-file', ctx.t('credentialsFile'), { placeholder: '/path/to/vault.VaultCredentials' });
  const use = button(ctx.t('credentialsUse'), { id: 'credentials-use', class: 'primary' });
  const browse = button(ctx.t('browse'), { id: 'credentials-browse' });
  const fromAzure = button(ctx.t('credentialsFromAzure'), { id: 'credentials-from-azure' });
  const result = resultArea('credentials-result');
  trackDraft(ctx, input);

  const select = async () => {
    const file = input.value.trim();
    if (!file) return input.focus();
    const outcome = await ctx.act(use, result, 'credentials/select', { file });
    if (outcome.ok) clearDraft(ctx, input);
  };
  use.addEventListener('click', () => void select());
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') void select(); });
  browse.addEventListener('click', async () => {
    const outcome = await ctx.act(browse, result, 'credentials/pick', {});
    if (outcome.ok && !outcome.result.cancelled) clearDraft(ctx, input);
  });

  fromAzure.addEventListener('click', async () => {
    const outcome = await ctx.act(fromAzure, result, 'credentials/fromAzure', {});
    if (outcome.ok && !outcome.result.cancelled) clearDraft(ctx, input);
  });

  frame.body.append(row, h('div', { class: 'actions' }, use, browse, fromAzure), result);
  return {
    ...frame,
    state: (s) => (!s.credentials ? 'todo' : s.credentials.ok ? 'done' : 'problem'),
    update(s: ViewSnapshot) {
      const c = s.credentials;
      syncInput(input, c?.file ?? '');
      if (!c) return;
      if (c.ok) {
        result.className = 'result ok';
        result.replaceChildren(
          h('p', {}, ctx.t('credentialsVault', c.value.vaultName, c.value.location, c.value.subscriptionId)),
          h('p', {}, ctx.t('credentialsExpires', new Date(c.value.expiresAt).toLocaleString())),
          h('p', { id: 'credentials-choice' }, ctx.t('credentialsChoice', ctx.t(`backend.${c.value.backend}`), ctx.t(`agent.${c.value.agent}`))),
        );
      } else {
        ctx.showError(result, c.error, false);
      }
    },
  };
}

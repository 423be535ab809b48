/** Step 3: the proxy (password to the secret storage) and the staged connectivity test. */
import type { PageContext, Step } from '../context';
import { button, field, fillRows, h } from '../dom';
import type { ViewSnapshot } from '../protocol';
import type { StringKey } from '../strings';
import { clearDraft, resultArea, stepFrame, syncInput, trackDraft } from './frame';

const MODES = [
  ['off', 'proxyModeOff'],
  ['settings', 'proxyModeSettings'],
  ['vscode', 'proxyModeVscode'],
  ['environment', 'proxyModeEnvironment'],
] as const satisfies ReadonlyArray<readonly [ViewSnapshot['proxy']['mode'], StringKey]>;

type Mode = (typeof MODES)[number][0];
const STATUS_LABEL = { ok: 'stageOk', failed: 'stageFailed', skipped: 'stageSkipped' } as const satisfies Record<string, StringKey>;

export function proxyStep(ctx: PageContext, index: number, count: number): Step {
  const frame = stepFrame(ctx, 'step-proxy', index, count, 'proxyTitle', 'proxyHelp');
  const mode = h('select', { id: 'proxy-mode' }, ...MODES.map(([value, label]) => h('option', { value }, ctx.t(label))));
  const host = field('proxy-host', ctx.t('proxyHost'));
  const port = field('proxy-port', ctx.t('proxyPort'), { inputmode: 'numeric' });
  const user = field('proxy-user', ctx.t('proxyUser'));
  // Never persisted as a draft and cleared once sent: the password only travels to SecretStorage.
  const password = field('proxy-password', ctx.t('proxyPassword'), { type: 'password', autocomplete: 'new-password', 'aria-describedby': 'proxy-password-note' });
  const passwordNote = h('p', { class: 'note', id: 'proxy-password-note' });
  const noProxy = field('proxy-no-proxy', ctx.t('proxyNoProxy'));
  const details = h('div', { class: 'proxy-details' }, host.row, port.row, user.row, password.row, passwordNote, noProxy.row);
  const save = button(ctx.t('proxySave'), { id: 'proxy-save' });
  const test = button(ctx.t('connectivityTest'), { id: 'connectivity-test', class: 'primary' });
  const saveResult = resultArea('proxy-result');
  const testResult = resultArea('connectivity-result');
  const drafted = [mode, host.input, port.input, user.input, noProxy.input];
  for (const input of drafted) trackDraft(ctx, input);

  const showDetails = () => { details.hidden = mode.value !== 'settings'; };
  mode.addEventListener('change', showDetails);

  save.addEventListener('click', async () => {
    const outcome = await ctx.act(save, saveResult, 'proxy/set', {
      mode: mode.value as Mode,
      host: host.input.value.trim(),
      port: Number(port.input.value) || 0,
      user: user.input.value.trim(),
      password: password.input.value || undefined,
      noProxy: noProxy.input.value.split(',').map((e) => e.trim()).filter(Boolean),
    });
    if (outcome.ok) {
      password.input.value = '';
      for (const input of drafted) clearDraft(ctx, input);
      saveResult.className = 'result ok';
      saveResult.textContent = ctx.t('proxySaved');
    }
  });
  test.addEventListener('click', () => void ctx.act(test, testResult, 'connectivity/test', {}));

  const stageLabel = h('label', { for: 'proxy-mode' }, ctx.t('proxyMode'));
  const modeField = h('div', { class: 'field' }, stageLabel, mode);
  // Once registered, the proxy the agent uses; it changes through Change Properties.
  const inUse = h('dl', { id: 'proxy-in-use', 'aria-label': ctx.t('inUse') });
  const inUseBox = h('div', { class: 'in-use', hidden: true }, inUse, h('p', { class: 'note' }, ctx.t('proxyInUseNote')));
  const editing = [modeField, details, save, saveResult];
  frame.body.append(modeField, details, inUseBox, h('div', { class: 'actions' }, save, test), saveResult, testResult);
  return {
    ...frame,
    state: (s) => (s.connectivity ? (s.connectivity.ok ? 'done' : 'problem') : s.registration?.inUse ? 'done' : 'todo'),
    update(s: ViewSnapshot) {
      const used = s.registration?.inUse;
      for (const el of editing) el.hidden = Boolean(used);
      inUseBox.hidden = !used;
      if (used) {
        const p = used.proxy;
        const connection = p.mode === 'explicit' ? ctx.t('proxyInUseExplicit', `${p.host}:${p.port}`) : ctx.t(p.mode === 'off' ? 'proxyModeOff' : 'proxyModeEnvironment');
        fillRows(inUse, [
          [ctx.t('proxyMode'), connection],
          [ctx.t('proxyInUseUser'), p.mode === 'explicit' ? p.user : undefined],
          [ctx.t('proxyInUseBypass'), p.mode === 'explicit' ? p.noProxy.join(', ') : undefined],
        ]);
      }
      syncInput(mode, s.proxy.mode);
      syncInput(host.input, s.proxy.host);
      syncInput(port.input, String(s.proxy.port));
      syncInput(user.input, s.proxy.user);
      syncInput(noProxy.input, s.proxy.noProxy.join(', '));
      passwordNote.textContent = s.proxy.hasPassword ? ctx.t('proxyPasswordStored') : '';
      if (!used) showDetails();
      const c = s.connectivity;
      if (!c) {
        // A changed proxy or credentials file voids the last test.
        testResult.className = 'result';
        testResult.replaceChildren();
        return;
      }
      const stages = c.ok ? c.value.stages : [];
      testResult.className = `result ${c.ok ? 'ok' : 'problem'}`;
      testResult.replaceChildren(
        h('p', {}, c.ok ? ctx.t('connectivityOk') : ctx.errorText(c.error)),
        c.ok && c.value.checkedOn !== 'target' ? h('p', { id: 'connectivity-from-here' }, ctx.t(c.value.checkedOn === 'admin' ? 'connectivityFromHere' : 'connectivityFromHereOnly')) : '',
        c.ok ? '' : (ctx.nextStep(c.error, testResult) ?? ''),
        stages.length === 0 ? '' : h('table', { class: 'stages', id: 'connectivity-stages' },
          h('thead', {}, h('tr', {}, ...(['connectivityStage', 'connectivityStatus', 'connectivityTime', 'connectivityCode'] as const).map((k) => h('th', { scope: 'col' }, ctx.t(k))))),
          h('tbody', {}, ...stages.map((st) => h('tr', { 'data-status': st.status },
            h('th', { scope: 'row' }, ctx.stage(st.name)),
            h('td', {}, ctx.t(STATUS_LABEL[st.status])),
            h('td', {}, ctx.t('milliseconds', Math.round(st.durationMs))),
            h('td', {}, st.code ?? '—'))))),
      );
    },
  };
}

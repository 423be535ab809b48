/** Step 2: the install folder and the cache folder, with the core's free-space check. */
import type { PageContext, Step } from '../context';
import { button, field, fillRows, h } from '../dom';
import type { ViewSnapshot } from '../protocol';
import { clearDraft, resultArea, stepFrame, syncInput, trackDraft } from './frame';

const GIB = 1024 ** 3;

function bytes(n: number): string {
  return n >= GIB ? `${(n / GIB).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`;
}

export function foldersStep(ctx: PageContext, index: number, count: number): Step {
  const frame = stepFrame(ctx, 'step-folders', index, count, 'foldersTitle', 'foldersHelp');
  const install = field('install-folder', ctx.t('installFolder'));
  const cache = field('cache-folder', ctx.t('cacheFolder'));
  const size = field('data-size', ctx.t('dataSize'), { inputmode: 'decimal' });
  const installApply = button(ctx.t('apply'), { id: 'install-apply', 'aria-describedby': 'install-folder' });
  const installBrowse = button(ctx.t('browse'), { id: 'install-browse' });
  const cacheApply = button(ctx.t('apply'), { id: 'cache-apply', class: 'primary' });
  const cacheBrowse = button(ctx.t('browse'), { id: 'cache-browse' });
  const installResult = resultArea('install-result');
  const cacheResult = resultArea('cache-result');
  for (const f of [install, cache, size]) trackDraft(ctx, f.input);

  const applyInstall = async () => {
    const folder = install.input.value.trim();
    if (!folder) return install.input.focus();
    const outcome = await ctx.act(installApply, installResult, 'install/setFolder', { folder });
    if (outcome.ok) {
      clearDraft(ctx, install.input);
      installResult.className = 'result';
      installResult.textContent = '';
    }
  };
  // An empty folder is sent as it is: the host applies the core's default and names it.
  const applyCache = async () => {
    const folder = cache.input.value.trim();
    const gb = Number(size.input.value.replace(',', '.'));
    const dataSizeBytes = size.input.value.trim() && Number.isFinite(gb) && gb >= 0 ? Math.round(gb * GIB) : undefined;
    const outcome = await ctx.act(cacheApply, cacheResult, 'cache/set', { folder, dataSizeBytes });
    if (outcome.ok) for (const f of [cache, size]) clearDraft(ctx, f.input);
  };
  const pick = async (purpose: 'install' | 'cache', trigger: HTMLButtonElement, input: HTMLInputElement, result: HTMLElement) => {
    const outcome = await ctx.act(trigger, result, 'folder/pick', { purpose });
    if (outcome.ok && outcome.result.folder) {
      input.value = outcome.result.folder;
      input.dataset.dirty = 'true';
      ctx.saveDraft(input.id, input.value);
      input.focus();
    }
  };
  installApply.addEventListener('click', () => void applyInstall());
  cacheApply.addEventListener('click', () => void applyCache());
  installBrowse.addEventListener('click', () => void pick('install', installBrowse, install.input, installResult));
  cacheBrowse.addEventListener('click', () => void pick('cache', cacheBrowse, cache.input, cacheResult));
  install.input.addEventListener('keydown', (e) => { if (e.key === 'Enter') void applyInstall(); });
  cache.input.addEventListener('keydown', (e) => { if (e.key === 'Enter') void applyCache(); });

  const edit = h('div', {},
    install.row, h('div', { class: 'actions' }, installApply, installBrowse), installResult,
    cache.row, size.row, h('div', { class: 'actions' }, cacheApply, cacheBrowse), cacheResult,
  );
  // Once registered, the folders the agent uses; the cache folder changes through Change Properties.
  const inUse = h('dl', { id: 'folders-in-use', 'aria-label': ctx.t('inUse') });
  const inUseBox = h('div', { class: 'in-use', hidden: true }, inUse, h('p', { class: 'note' }, ctx.t('foldersInUseNote')));
  frame.body.append(edit, inUseBox);
  return {
    ...frame,
    state: (s) => (s.registration?.inUse ? 'done' : !s.cacheCheck ? 'todo' : s.cacheCheck.ok ? 'done' : 'problem'),
    update(s: ViewSnapshot) {
      const used = s.registration?.inUse;
      edit.hidden = Boolean(used);
      inUseBox.hidden = !used;
      if (used) fillRows(inUse, [[ctx.t('installFolder'), used.installFolder], [ctx.t('cacheFolder'), used.cacheFolder]]);
      syncInput(install.input, s.installFolder);
      syncInput(cache.input, s.cacheFolder);
      if (s.dataSizeBytes !== undefined) syncInput(size.input, String(+(s.dataSizeBytes / GIB).toFixed(3)));
      if (!s.cacheCheck) return;
      if (s.cacheCheck.ok) {
        cacheResult.className = 'result ok';
        const { availableBytes, requiredBytes, folder, usesDefault } = s.cacheCheck.value;
        // Without a data size the free-space rule had nothing to weigh: say so instead of "0 needed".
        cacheResult.replaceChildren(
          usesDefault ? h('p', {}, ctx.t('cacheDefaultUsed', folder)) : '',
          h('p', {}, s.dataSizeBytes ? ctx.t('cacheOk', bytes(availableBytes), bytes(requiredBytes)) : ctx.t('cacheOkNoSize', bytes(availableBytes))),
        );
      } else {
        ctx.showError(cacheResult, s.cacheCheck.error, false);
      }
    },
  };
}

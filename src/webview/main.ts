// Browser entry of the setup page (a webview): handshake, then the page built from the strings and
// the first snapshot the host sends, then re-rendered on every session change.
import { PageContext, type Step } from './context';
import { h } from './dom';
import type { InitParams, ViewSnapshot } from './protocol';
import { RpcClient } from './rpc';
import { credentialsStep } from './steps/credentials';
import { finishSection } from './steps/finish';
import { foldersStep } from './steps/folders';
import { passphraseStep } from './steps/passphrase';
import { proxyStep } from './steps/proxy';
import { registerStep } from './steps/register';
import { serverSection } from './steps/server';
import { loadState, vscodeApi } from './vscodeApi';

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const applyMotion = () => document.body.classList.toggle('reduced-motion', reducedMotion.matches);
reducedMotion.addEventListener('change', applyMotion);
applyMotion();

const root = document.getElementById('app')!;
const persisted = loadState();
let render: ((s: ViewSnapshot) => void) | undefined;

const rpc = new RpcClient((message) => {
  if (message.method === 'webview/init') build(message.params);
  else render?.(message.params);
});

function build(init: InitParams): void {
  document.documentElement.lang = init.locale;
  const announcer = h('div', { class: 'visually-hidden', id: 'announcer', role: 'status', 'aria-live': 'polite' });
  const ctx = new PageContext(init.strings, rpc, init.registerStages, persisted, announcer);
  const makers = [credentialsStep, foldersStep, proxyStep, passphraseStep, registerStep];
  const steps: Step[] = makers.map((make, i) => make(ctx, i + 1, makers.length));
  const server = serverSection(ctx);
  const finish = finishSection(ctx);
  document.title = ctx.t('title');
  root.replaceChildren(
    h('header', {}, h('h1', {}, ctx.t('title')), h('p', {}, ctx.t('intro'))),
    server.section,
    h('ol', { class: 'steps' }, ...steps.map((s) => h('li', {}, s.section))),
    finish.section,
    announcer,
  );
  root.removeAttribute('aria-busy');
  const renderAll = (snapshot: ViewSnapshot) => {
    server.update(snapshot);
    for (const step of steps) {
      step.update(snapshot);
      step.setState(step.state(snapshot));
    }
    finish.update(snapshot);
  };
  render = (snapshot) => ctx.render(snapshot, renderAll);
  render(init.snapshot);
  restoreView();
  // Wall-clock time the page became interactive: the UI run measures command-to-ready with it.
  document.body.dataset.readyAt = String(Date.now());
}

/** Puts back the focus and scroll position the page had before it was hidden. */
function restoreView(): void {
  if (persisted.focusId) document.getElementById(persisted.focusId)?.focus();
  if (persisted.scrollY) window.scrollTo(0, persisted.scrollY);
  let pending = false;
  const remember = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const active = document.activeElement;
      persisted.focusId = active instanceof HTMLElement && active.id ? active.id : undefined;
      persisted.scrollY = Math.round(window.scrollY);
      vscodeApi.setState(persisted);
    });
  };
  document.addEventListener('focusin', remember);
  window.addEventListener('scroll', remember, { passive: true });
}

rpc.ready();

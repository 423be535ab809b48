/* global document, window, matchMedia */ // used only inside page.evaluate callbacks, which run in the webview
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from '../driver.mjs';

// Playwright actions on the setup page webview. The workbench hosts it in iframe.webview (VS Code's
// shell page) and, inside, iframe#active-frame (the page itself).

/** The page's frame (FrameLocator). */
function pageFrame(page) {
  return page.locator('iframe.webview').first().contentFrame().locator('iframe#active-frame').contentFrame();
}

/** The real Frame of the page or of VS Code's shell around it, for evaluate(). */
async function frame(page, which) {
  const shell = await (await page.locator('iframe.webview').first().elementHandle({ timeout: 20000 })).contentFrame();
  if (which === 'shell') return shell;
  const inner = await shell.waitForSelector('iframe#active-frame', { state: 'attached', timeout: 20000 });
  return inner.contentFrame();
}

/** Waits until a page rendered its first snapshot after `after` (epoch ms); returns when that was. */
async function wtReady(page, { after = 0 } = {}) {
  const end = Date.now() + 30000;
  while (Date.now() < end) {
    const readyAt = Number(await pageFrame(page).locator('body').getAttribute('data-ready-at', { timeout: 1000 }).catch(() => null));
    if (readyAt > after) return { readyAt, lang: await pageFrame(page).locator('html').getAttribute('lang') };
    await page.waitForTimeout(20);
  }
  throw new Error(`no setup page became ready after ${after}`);
}

/** Clicks into a field, clears it and types `value` as a user would. */
async function wtType(page, { selector, value }) {
  const input = pageFrame(page).locator(selector);
  await input.click();
  await input.fill('');
  await input.pressSequentially(value);
  return { ok: true };
}

async function wtSelect(page, { selector, value }) {
  await pageFrame(page).locator(selector).selectOption(value);
  return { ok: true };
}

async function wtClick(page, { selector }) {
  await pageFrame(page).locator(selector).click({ timeout: 20000 });
  return { ok: true };
}

/** Whether a checkbox or radio button is checked (a property, not an attribute). */
async function wtChecked(page, { selector }) {
  return { checked: await pageFrame(page).locator(selector).isChecked({ timeout: 20000 }) };
}

/** The texts of every element `selector` matches. */
async function wtTexts(page, { selector }) {
  return { texts: (await pageFrame(page).locator(selector).allInnerTexts()).map((t) => t.trim()) };
}

async function wtText(page, { selector }) {
  const loc = pageFrame(page).locator(selector).first();
  await loc.waitFor({ state: 'attached', timeout: 20000 });
  return { text: (await loc.innerText()).trim(), visible: await loc.isVisible() };
}

/** Waits until the element's text matches `pattern`; `timeout` in ms. */
async function wtWaitText(page, { selector, pattern, timeout = 30000 }) {
  const loc = pageFrame(page).locator(selector).first();
  const re = new RegExp(pattern);
  const end = Date.now() + timeout;
  let text = '';
  while (Date.now() < end) {
    text = await loc.innerText({ timeout: 1000 }).catch(() => '');
    if (re.test(text)) return { text };
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector} never showed /${pattern}/; it shows: ${text}`);
}

async function wtValue(page, { selector }) {
  return { value: await pageFrame(page).locator(selector).first().inputValue({ timeout: 20000 }) };
}

async function wtAttr(page, { selector, name }) {
  return { value: await pageFrame(page).locator(selector).first().getAttribute(name, { timeout: 20000 }) };
}

/** Presses Tab `count` times from the focused element and lists the ids that got the focus. */
async function wtTabOrder(page, { from, count }) {
  const f = await frame(page, 'page');
  await f.focus(from);
  const ids = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    ids.push(await f.evaluate(() => document.activeElement?.id ?? ''));
  }
  return { ids };
}

/** Emulates the user's reduced-motion preference (null: back to the default). */
async function wtReducedMotion(page, { reduce }) {
  await page.emulateMedia({ reducedMotion: reduce === null ? null : reduce ? 'reduce' : 'no-preference' });
  const f = await frame(page, 'page');
  await f.waitForFunction((on) => document.body.classList.contains('reduced-motion') === on, Boolean(reduce), { timeout: 5000 });
  return { ok: true };
}

/** The page's Content-Security-Policy and anything inline it would have to allow. */
async function wtSecurity(page) {
  const f = await frame(page, 'page');
  return f.evaluate(() => ({
    csp: [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')].map((m) => m.getAttribute('content')),
    inlineScripts: [...document.querySelectorAll('body script:not([src])')].length,
    scripts: [...document.querySelectorAll('body script[src]')].map((s) => ({ nonce: s.nonce, src: s.getAttribute('src') })),
    // VS Code itself sets the theme's variables on <html style>; the page's own elements set none.
    styleAttributes: document.querySelectorAll('body[style], body [style]').length,
    styleElements: [...document.querySelectorAll('style')].filter((s) => s.id !== '_defaultStyles').length,
  }));
}

/** Structural accessibility facts the page promises. */
async function wtA11y(page) {
  const f = await frame(page, 'page');
  return f.evaluate(() => ({
    sections: [...document.querySelectorAll('section')].map((s) => ({ id: s.id, labelled: Boolean(s.getAttribute('aria-labelledby') && document.getElementById(s.getAttribute('aria-labelledby'))) })),
    unlabelledInputs: [...document.querySelectorAll('input, select')].filter((i) => !document.querySelector(`label[for="${i.id}"]`)).map((i) => i.id),
    liveRegions: document.querySelectorAll('[aria-live]').length,
    reducedMotionClass: document.body.classList.contains('reduced-motion'),
    prefersReducedMotion: matchMedia('(prefers-reduced-motion: reduce)').matches,
  }));
}

/**
 * What the page saved with setState, as VS Code hands it back to a restored page: the workbench
 * injects it into the new frame's bootstrap script (acquireVsCodeApi's initial state).
 */
async function wtPersistedState(page) {
  const f = await frame(page, 'page');
  const encoded = await f.evaluate(() => {
    for (const s of document.scripts) {
      const m = /JSON\.parse\(decodeURIComponent\("([^"]*)"\)\)/.exec(s.textContent ?? '');
      if (m) return m[1];
    }
    return null;
  });
  return { state: encoded === null ? null : JSON.parse(decodeURIComponent(encoded)) };
}

/** Posts messages to the page as if they came from the extension host. */
async function wtPostToPage(page, { messages }) {
  const f = await frame(page, 'page');
  await f.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, messages);
  await page.waitForTimeout(300);
  return { rejected: Number(await f.evaluate(() => document.documentElement.dataset.rejectedMessages ?? '0')) };
}

/** Posts messages to the extension host through the webview's own channel (what acquireVsCodeApi().postMessage does). */
async function wtPostToHost(page, { messages }) {
  const shell = await frame(page, 'shell');
  await shell.evaluate((ms) => { for (const m of ms) window.__vscode_post_message__('onmessage', { message: m }); }, messages);
  return { ok: true };
}

/** Scrolls a step into view and screenshots the webview into test-results/setup-page/. */
async function wtShot(page, { selector, name }) {
  const f = await frame(page, 'page');
  await f.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), selector);
  await page.waitForTimeout(200);
  const dir = path.join(RESULTS_DIR, 'setup-page');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.locator('iframe.webview').first().screenshot({ path: file });
  return { file };
}

/** Types a path into the workbench's quick input (code-server's simple file dialog) and accepts it. */
async function quickInputPath(page, { value }) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 20000 });
  const input = widget.locator('.quick-input-box input').first(); // the path box, not the list's checkboxes
  // The dialog fills in its starting folder once it has read it, and validates what is typed as
  // it changes: type the path until it stays, then press Enter until the dialog accepts it.
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.waitForTimeout(500);
    if (!(await widget.isVisible())) return { ok: true, attempts: attempt };
    const current = await input.inputValue().catch(() => '');
    if (current === value) await input.press('Enter').catch(() => {});
    else if (current) await input.fill(value).catch(() => {});
  }
  // Leave the workbench usable for the tests that follow, with a picture of what went wrong.
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, 'setup-page-file-dialog-stuck.png') });
  await page.keyboard.press('Escape');
  throw new Error(`the file dialog did not accept ${value}`);
}

export const actions = {
  wtReady, wtType, wtSelect, wtClick, wtChecked, wtText, wtTexts, wtWaitText, wtValue, wtAttr, wtTabOrder, wtA11y, wtReducedMotion, wtSecurity,
  wtPersistedState, wtPostToPage, wtPostToHost, wtShot, quickInputPath,
};

// Playwright actions on the code-server workbench, requested by the UI suite (which runs inside
// the extension host) through the runner's loopback bridge.
import fs from 'node:fs';
import path from 'node:path';

export const RESULTS_DIR = path.resolve(import.meta.dirname, '..', '..', 'test-results');

async function openPalette(page) {
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 300 } }).catch(() => {});
    await page.keyboard.press('F1');
    if (await widget.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return widget;
  }
  throw new Error('the command palette did not open');
}

/** F1, type the command's title, Enter: what a user does. */
async function runCommand(page, { title }) {
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60000 });
  const widget = await openPalette(page);
  await widget.locator('input').first().fill(`>${title}`);
  await widget.locator('.monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 20000 });
  await page.keyboard.press('Enter');
  // Done when the palette closed, or when the command replaced it with its own quick input.
  const input = widget.locator('input').first();
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    if (!(await widget.isVisible()) || !(await input.inputValue().catch(() => '')).startsWith('>')) return { ok: true };
    await page.waitForTimeout(50);
  }
  throw new Error(`the palette stayed open after running "${title}"`);
}

/** The rendered status-bar entry whose element id ends with the item's id. */
async function statusBarItem(page, { id }) {
  const item = page.locator(`.statusbar-item[id$="${id}"]`).first();
  await item.waitFor({ state: 'visible', timeout: 20000 });
  return {
    text: (await item.innerText()).trim(),
    ariaLabel: await item.locator('a, .statusbar-item-label').first().getAttribute('aria-label'),
  };
}

async function clickStatusBarItem(page, { id }) {
  await page.locator(`.statusbar-item[id$="${id}"]`).first().click();
  return { ok: true };
}

async function screenshot(page, { name = 'screenshot' }) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return { file };
}

/** Labels of the rows the quick input currently shows (a Quick Pick opened by a command). */
async function quickPickItems(page) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 20000 });
  await widget.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 20000 });
  return { items: (await widget.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim()) };
}

async function pressKey(page, { key }) {
  await page.keyboard.press(key);
  return { ok: true };
}

/** Waits until the element's visible text matches `pattern` (a regular expression source). */
async function waitForText(page, { selector, pattern }) {
  const loc = page.locator(selector).first();
  await loc.waitFor({ state: 'visible', timeout: 20000 });
  const re = new RegExp(pattern);
  const end = Date.now() + 20000;
  let text = '';
  while (Date.now() < end) {
    text = (await loc.innerText()).replace(/\u00a0/g, ' '); // Monaco renders spaces as NBSP
    if (re.test(text)) return { text };
    await page.waitForTimeout(100);
  }
  throw new Error(`"${selector}" never showed /${pattern}/; it shows:\n${text}`);
}

const BUILT_IN = { runCommand, statusBarItem, clickStatusBarItem, screenshot, quickPickItems, pressKey, waitForText };

/**
 * Dispatches a bridge request: the built-in actions above, plus those exported as `actions` by
 * any test/ui/actions/*.mjs module (each feature's UI tests keep their own actions there).
 */
export async function handleUiRequest(page, req) {
  const { action, ...args } = req;
  const extra = await loadActionModules();
  const fn = BUILT_IN[action] ?? extra[action];
  if (!fn) throw new Error(`unknown UI action ${action}`);
  return fn(page, args);
}

let actionModules;
async function loadActionModules() {
  if (!actionModules) {
    const dir = path.join(import.meta.dirname, 'actions');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort() : [];
    actionModules = {};
    for (const f of files) Object.assign(actionModules, (await import(path.join(dir, f))).actions);
  }
  return actionModules;
}

// The VS Code workbench driven as a user drives it: the keyboard, and what the page shows.
import assert from 'node:assert/strict';
import { sleep } from '../../scripts/lib/net.mjs';

const quickInput = (page) => page.locator('.quick-input-widget');

/** What a user sees of the Quick Input: its title (with "n/N"), rows, and whether it is a list. */
async function quickInputState(page) {
  const w = quickInput(page);
  if (!(await w.isVisible())) return undefined;
  const title = (await w.locator('.quick-input-title').first().innerText().catch(() => '')).trim();
  const rows = (await w.locator('.monaco-list-row .label-name').allInnerTexts().catch(() => [])).map((t) => t.trim());
  const message = (await w.locator('.quick-input-message').first().innerText().catch(() => '')).trim();
  return { title, rows, message };
}

/**
 * Waits until the Quick Input shows something other than `previous`. Between two steps it may
 * close while the extension works (copying, planning); it counts as closed for good only once
 * nothing is left to answer (`more` false).
 */
async function nextQuickInput(page, previous, what, more) {
  const end = Date.now() + 60_000;
  for (;;) {
    const now = await quickInputState(page);
    if (now ? now.title !== previous.title : !more) return now;
    if (Date.now() > end) throw new Error(`after ${what}, the Quick Input ${now ? `stayed at "${previous.title}" (${now.message})` : 'closed with steps of the README left'}`);
    await sleep(100);
  }
}

/**
 * F1, the command's title, Enter. Resolves with the command's first Quick Input step, or (with
 * `opensQuickInput: false`) once the palette has closed.
 */
export async function runCommandByKeyboard(page, title, { opensQuickInput = true } = {}) {
  const w = quickInput(page);
  for (let attempt = 0; attempt < 5 && !(await w.isVisible()); attempt++) {
    await page.keyboard.press('F1');
    await w.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  }
  await page.keyboard.type(title);
  await w.locator('.monaco-list-row.focused', { hasText: title }).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    const s = await quickInputState(page);
    if (!opensQuickInput && !s) return undefined;
    // The command replaces the palette with its own first step.
    if (opensQuickInput && s?.title && !(await w.locator('input').first().inputValue()).startsWith('>')) return s;
    await sleep(100);
  }
  throw new Error(`running "${title}" ${opensQuickInput ? 'showed no step of its own' : 'left the palette open'}`);
}

/**
 * Answers the wizard as the README says: a list gets the README's next label (typed to filter,
 * then Enter); a text box gets Enter. A list the README names no label for is a gap in the README.
 */
export async function followSteps(page, first, labels, trace = () => {}) {
  let state = first;
  const pending = [...labels];
  while (state) {
    if (state.message && /error|invalid|not /i.test(state.message)) throw new Error(`"${state.title}" says: ${state.message}`);
    const slot = pending[0];
    const choice = slot?.find((label) => state.rows.includes(label));
    let what;
    if (choice) {
      pending.shift();
      await page.keyboard.type(choice);
      await quickInput(page).locator('.monaco-list-row.focused', { hasText: choice }).waitFor({ timeout: 10_000 });
      what = `"${choice}"`;
    } else if (state.rows.length && !(await quickInput(page).locator('.quick-input-box input').first().isVisible())) {
      throw new Error(`"${state.title}" offers ${JSON.stringify(state.rows)}, and the README names none of them next (${JSON.stringify(slot)})`);
    } else {
      what = 'Enter';
    }
    trace(`${state.title}: ${what}`);
    await page.keyboard.press('Enter');
    state = await nextQuickInput(page, state, what, pending.length > 0);
  }
  assert.deepEqual(pending, [], 'every label the README names was chosen');
}


/** Answers a modal dialog by keyboard: Tab to the button labelled `label`, then Enter. */
export async function answerDialog(page, label) {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  for (let tabs = 0; tabs < 6; tabs++) {
    const focused = await page.locator(':focus').first().innerText().then((t) => t.trim(), () => '');
    if (focused === label) {
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`the dialog "${(await dialog.innerText()).replace(/\s+/g, ' ')}" has no button "${label}" to reach by Tab`);
}

/** The text of the status-bar entries, as one line each. */
export async function statusBarTexts(page) {
  return (await page.locator('.statusbar-item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/**
 * "Developer: Reload Window" from the palette, as a VS Code user reloads: the workbench saves its
 * editors before it goes, then the page loads again.
 */
export async function reloadWindow(page) {
  await page.keyboard.press('F1');
  await page.keyboard.type('Developer: Reload Window');
  await quickInput(page).locator('.monaco-list-row.focused', { hasText: 'Developer: Reload Window' }).waitFor({ timeout: 30_000 });
  await Promise.all([page.waitForNavigation({ timeout: 120_000 }), page.keyboard.press('Enter')]);
  await page.locator('.monaco-workbench .statusbar').waitFor({ timeout: 120_000 });
}

/** The Quick Input's rows as a user reads them: each label with its description. */
export async function quickPickRows(page) {
  const rows = [];
  for (const row of await quickInput(page).locator('.monaco-list-row').all()) {
    const [label = ''] = await row.locator('.label-name').allInnerTexts();
    const [description = ''] = await row.locator('.label-description').allInnerTexts();
    rows.push({ label: label.trim(), description: description.trim() });
  }
  return rows;
}

/**
 * Waits until the Quick Input is open with a title other than `previousTitle` and, for a list,
 * its rows drawn (a list fills after its title when the extension is still fetching it).
 */
export async function waitForQuickInputStep(page, previousTitle, what) {
  const end = Date.now() + 60_000;
  for (;;) {
    const state = await quickInputState(page);
    if (state && state.title !== previousTitle && (state.rows.length || (await quickInput(page).locator('.quick-input-box input').first().isVisible()))) {
      return { ...state, items: await quickPickRows(page), value: await quickInput(page).locator('.quick-input-box input').first().inputValue().catch(() => '') };
    }
    if (Date.now() > end) throw new Error(`${what}: no new Quick Input step (${state ? `still "${state.title}" ${state.message}` : 'closed'})`);
    await sleep(100);
  }
}

/** Types `label` to filter a list, waits until its row is the focused one, then Enter. */
export async function pickByKeyboard(page, label) {
  await page.keyboard.type(label);
  await quickInput(page).locator('.monaco-list-row.focused', { hasText: label }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The rows of the side bar's tree as a user reads them: depth, label, description, expanded. */
export async function sideBarTreeRows(page) {
  const rows = [];
  for (const row of await page.locator('.part.sidebar .monaco-list-row[aria-level]').all()) {
    const [label = ''] = await row.locator('.label-name').allInnerTexts();
    const [description = ''] = await row.locator('.label-description').allInnerTexts();
    rows.push({ level: Number(await row.getAttribute('aria-level')), label: label.trim(), description: description.trim(), expanded: await row.getAttribute('aria-expanded') });
  }
  return rows;
}

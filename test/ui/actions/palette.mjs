// Playwright actions on the Quick Input the setup wizard shows: read it, and answer it from the
// keyboard as a user would.

function widget(page) {
  return page.locator('.quick-input-widget');
}

/** Title, typed value, validation message and rows of the open Quick Input. */
async function qiState(page) {
  const w = widget(page);
  await w.waitFor({ state: 'visible', timeout: 20000 });
  const text = async (selector) => ((await w.locator(selector).first().isVisible().catch(() => false)) ? (await w.locator(selector).first().innerText()).trim() : '');
  return {
    title: await text('.quick-input-title'),
    value: await w.locator('input').first().inputValue(),
    message: await text('.quick-input-message'),
    items: (await w.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim()),
  };
}

/**
 * Types `text` (replacing what the box shows) unless it is undefined, presses Enter, and waits
 * until the wizard moved on (another title, or the Quick Input closed).
 */
async function qiAnswer(page, { text }) {
  const w = widget(page);
  await w.waitFor({ state: 'visible', timeout: 20000 });
  const title = await w.locator('.quick-input-title').first().innerText();
  const input = w.locator('input').first();
  if (text !== undefined) {
    await input.fill('');
    await input.pressSequentially(text);
  }
  await page.keyboard.press('Enter');
  const end = Date.now() + 30000;
  while (Date.now() < end) {
    if (!(await w.isVisible())) return { closed: true };
    const now = await w.locator('.quick-input-title').first().innerText().catch(() => '');
    if (now !== title) return { title: now };
    await page.waitForTimeout(50);
  }
  throw new Error(`the Quick Input stayed at "${title}"`);
}

/** Types `text` into the box (replacing what it shows) without accepting it. */
async function qiType(page, { text }) {
  const input = widget(page).locator('input').first();
  await input.fill('');
  await input.pressSequentially(text);
  return { ok: true };
}

export const actions = { qiState, qiAnswer, qiType };

// Playwright actions on a tree view: the context menu a user opens on one of its rows.

/** Right-clicks the first list row showing `label`; returns the row's text and its context menu's items, the menu closed again. */
async function rowContextMenu(page, { label }) {
  const row = page.locator('.monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 20000 });
  const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu').first();
  await menu.waitFor({ state: 'visible', timeout: 10000 });
  const items = (await menu.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  return { text, items };
}

export const actions = { rowContextMenu };

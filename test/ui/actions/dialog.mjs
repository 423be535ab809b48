// Playwright actions on the workbench's modal dialog (a modal showWarningMessage): read it, and
// press one of its buttons as a user would.

function dialog(page) {
  return page.locator('.monaco-dialog-box').first();
}

/** The dialog's message, detail and button labels, once it is open. */
async function dialogState(page) {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout: 20000 });
  return {
    text: (await box.innerText()).replace(/\u00a0/g, ' '),
    buttons: (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim()),
  };
}

/** Presses the button labelled `label` and waits for the dialog to close. */
async function dialogPress(page, { label }) {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout: 20000 });
  await box.locator('.dialog-buttons .monaco-button', { hasText: label }).first().click();
  await box.waitFor({ state: 'hidden', timeout: 20000 });
  return { ok: true };
}

export const actions = { dialogState, dialogPress };

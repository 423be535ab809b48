// Playwright actions on a rendered Markdown preview: the text a user reads in it. The workbench
// hosts each webview in iframe.webview (VS Code's shell page) and, inside, iframe#active-frame.

/** Waits until a webview's page shows text matching `pattern` (a regular expression source); returns that text. */
async function previewText(page, { pattern }) {
  const re = new RegExp(pattern);
  const end = Date.now() + 20000;
  let seen = [];
  while (Date.now() < end) {
    seen = [];
    for (const shell of await page.locator('iframe.webview').all()) {
      const body = shell.contentFrame().locator('iframe#active-frame').contentFrame().locator('body');
      const text = await body.innerText({ timeout: 1000 }).catch(() => '');
      if (re.test(text)) return { text };
      seen.push(text);
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no webview showed /${pattern}/; they show:\n${seen.join('\n---\n')}`);
}

export const actions = { previewText };

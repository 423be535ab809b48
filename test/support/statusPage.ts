// "Show Registration Status"'s page as the user sees it: a Markdown preview tab, over the
// status document it renders.
import * as vscode from 'vscode';
import { STATUS_SCHEME } from '../../src/vscode/features/status/statusView';
import { waitUntil } from './extension';
const readable = (markdown: string) => markdown.replace(/\\(.)/g, '$1');

/**
 * Waits for the preview tab whose title matches `title` and for its document to hold `expected`;
 * returns the document's text as it reads (Markdown's backslash escapes taken out).
 */
export async function statusPage(title: RegExp, expected: string): Promise<string> {
  await waitUntil(
    () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && title.test(t.label)),
    `a Markdown preview tab titled ${title}`,
  );
  const document = await waitUntil(
    () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === STATUS_SCHEME && title.test(d.uri.path) && readable(d.getText()).includes(expected)),
    `the status document ${title} with "${expected}"`,
  );
  return readable(document.getText());
}

/**
 * The setup page's HTML shell: a strict CSP from default-src 'none', the one script allowed by a
 * fresh nonce, styles, images and fonts only from the extension's own resources.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export const WEBVIEW_SCRIPT = ['dist', 'webview.js'] as const;
export const WEBVIEW_STYLE = ['media', 'setup-page.css'] as const;

/** The only folders the webview may load from. */
export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function contentSecurityPolicy(webview: vscode.Webview, nonce: string): string {
  const own = webview.cspSource;
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${own}; img-src ${own}; font-src ${own};`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, text: { lang: string; title: string; loading: string }): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...WEBVIEW_SCRIPT));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...WEBVIEW_STYLE));
  return `<!DOCTYPE html>
<html lang="${escapeHtml(text.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(text.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">${escapeHtml(text.loading)}</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

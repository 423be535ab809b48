/**
 * The walkthrough webview ("Backup Agent Setup"): one panel per window, over the window's
 * SetupSession. Its context is not retained while hidden; the page restores itself from its
 * (secret-free) webview state and a fresh snapshot.
 */
import * as vscode from 'vscode';
import type { FeatureHost } from '..';
import { localiseError } from '../errors/localise';
import { nextStepOf } from '../errors/showError';
import type { SetupSession } from '../session';
import { createHandlers } from './handlers';
import { renderHtml, resourceRoots } from './html';
import { WalkthroughRouter } from './router';
import type { Localise } from './view';

export const WALKTHROUGH_VIEW_TYPE = 'backupAgent.walkthrough';

let open: vscode.WebviewPanel | undefined;

export function openWalkthroughPanel(host: FeatureHost, session: SetupSession): vscode.WebviewPanel {
  if (open) {
    open.reveal();
    return open;
  }
  const started = performance.now();
  const { extensionUri } = host.context;
  const title = vscode.l10n.t('Backup Agent Setup');
  const panel = vscode.window.createWebviewPanel(WALKTHROUGH_VIEW_TYPE, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: resourceRoots(extensionUri),
  });
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  let firstReady = true;
  const localise: Localise = { message: (error) => localiseError(error, host.context.extensionPath), next: nextStepOf };
  const router = new WalkthroughRouter(panel.webview, session, createHandlers(session), host.log, localise, () => {
    if (firstReady) host.log.info(`Walkthrough ready in ${(performance.now() - started).toFixed(0)} ms.`);
    firstReady = false;
  });
  const visibility = panel.onDidChangeViewState(() => { if (!panel.visible) router.pageGone(); });
  panel.webview.html = renderHtml(panel.webview, extensionUri, { lang: vscode.env.language, title, loading: vscode.l10n.t('Loading the setup…') });
  panel.onDidDispose(() => {
    open = undefined;
    router.dispose();
    visibility.dispose();
  });
  open = panel;
  return panel;
}

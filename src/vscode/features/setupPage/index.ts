/**
 * The setup page ("Backup Agent Setup"), a webview: one panel per window, over the window's
 * SetupSession. Its context is not retained while hidden; the page restores itself from its
 * (secret-free) webview state and a fresh snapshot. After a window reload VS Code hands the
 * panel back through the serializer (extension.ts), and the page is wired to it again.
 */
import * as vscode from 'vscode';
import type { FeatureHost } from '..';
import { localiseError } from '../errors/localise';
import { nextStepOf } from '../errors/showError';
import type { SetupSession } from '../session';
import { createHandlers } from './handlers';
import { renderHtml, resourceRoots } from './html';
import { SetupPageRouter } from './router';
import type { Localise } from './view';
import { SETUP_PAGE_VIEW_TYPE } from '../../ids';

let open: vscode.WebviewPanel | undefined;

export function openSetupPage(host: FeatureHost, session: SetupSession): vscode.WebviewPanel {
  if (open) {
    open.reveal();
    return open;
  }
  const panel = vscode.window.createWebviewPanel(SETUP_PAGE_VIEW_TYPE, vscode.l10n.t('Backup Agent Setup'), vscode.ViewColumn.Active, webviewOptions(host));
  return showSetupPage(host, session, panel);
}

/** The panel VS Code kept across a window reload, made the setup page again. */
export function restoreSetupPage(host: FeatureHost, session: SetupSession, panel: vscode.WebviewPanel): void {
  if (open) {
    panel.dispose(); // one page per window: the one opened meanwhile stays
    return;
  }
  panel.webview.options = webviewOptions(host);
  showSetupPage(host, session, panel);
}

function webviewOptions(host: FeatureHost): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: resourceRoots(host.context.extensionUri) };
}

function showSetupPage(host: FeatureHost, session: SetupSession, panel: vscode.WebviewPanel): vscode.WebviewPanel {
  const started = performance.now();
  const { extensionUri } = host.context;
  const title = vscode.l10n.t('Backup Agent Setup');
  panel.title = title;
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  let firstReady = true;
  const localise: Localise = { message: (error) => localiseError(error, host.context.extensionPath), next: nextStepOf };
  const router = new SetupPageRouter(panel.webview, session, createHandlers(session), host.log, localise, () => {
    if (firstReady) host.log.info(`Setup page ready in ${(performance.now() - started).toFixed(0)} ms.`);
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

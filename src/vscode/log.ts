import * as vscode from 'vscode';

/** The extension's one LogOutputChannel. Secrets are never passed to it: callers log codes and facts. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(vscode.l10n.t('Backup Agent Setup'), { log: true });
}

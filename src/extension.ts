// Composition root: creates the adapters, wires them to commands, and nothing else.
import * as vscode from 'vscode';
import { deriveRegistrationState } from './core/status';
import { COMMANDS } from './vscode/ids';
import { createLog } from './vscode/log';
import { RegistrationStatusBar } from './vscode/statusBar';
import { showStatusMenu } from './vscode/statusMenu';

/** What the extension exposes to its own tests (ext.exports). */
export interface BackupAgentApi {
  readonly activationTimeMs: number;
  readonly statusBarItem: vscode.StatusBarItem;
  readonly log: vscode.LogOutputChannel;
}

export function activate(context: vscode.ExtensionContext): BackupAgentApi {
  const started = performance.now();
  const log = createLog();
  const statusBar = new RegistrationStatusBar();
  statusBar.show(deriveRegistrationState({ now: new Date() }));

  context.subscriptions.push(
    log,
    statusBar,
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)),
    vscode.commands.registerCommand(COMMANDS.statusMenu, showStatusMenu),
  );

  const activationTimeMs = performance.now() - started;
  log.info(`Activated in ${activationTimeMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.remoteName ?? 'local'}).`);
  return { activationTimeMs, statusBarItem: statusBar.item, log };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

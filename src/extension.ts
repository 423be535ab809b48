// Composition root: the log, the status-bar item and every command, registered at once; the
// features behind the commands load on first use so activation stays light.
import * as vscode from 'vscode';
import { deriveRegistrationState } from './core/status';
import type { Features } from './vscode/features';
import { COMMANDS, SETUP_PAGE_VIEW_TYPE } from './vscode/ids';
import { lazyFeatures } from './vscode/lazyFeatures';
import { createLog } from './vscode/log';
import { RegistrationStatusBar } from './vscode/statusBar';

/** What the extension exposes to its own tests (ext.exports). */
export interface BackupAgentApi {
  readonly activationTimeMs: number;
  readonly statusBarItem: vscode.StatusBarItem;
  readonly log: vscode.LogOutputChannel;
  /** The features bundle, loaded on first call (tests reach the session and input port through it). */
  features(): Promise<Features>;
}

export function activate(context: vscode.ExtensionContext): BackupAgentApi {
  const started = performance.now();
  const log = createLog();
  const statusBar = new RegistrationStatusBar();
  statusBar.showProvisional(deriveRegistrationState({ now: new Date() }));
  const features = lazyFeatures({ context, log, statusBar });

  context.subscriptions.push(log, statusBar, vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)));
  for (const command of Object.values(COMMANDS)) {
    if (command === COMMANDS.showLog) continue;
    context.subscriptions.push(
      vscode.commands.registerCommand(command, async (...args: unknown[]) => {
        // Its id only (arguments may be a tree item or an answer); the bench times from this line.
        log.info(`Running ${command}`);
        return (await features()).run(command, ...args);
      }),
    );
  }
  // A setup page open before a window reload comes back (activation event onWebviewPanel).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(SETUP_PAGE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (await features()).restoreSetupPage(panel),
    }),
  );
  // After activation has returned: load the features and show the real registration state.
  setTimeout(() => {
    features().then(
      (f) => { context.subscriptions.push(f); f.start(); },
      (err) => log.error(`Could not load the extension's features: ${err instanceof Error ? err.message : String(err)}`),
    );
  }, 0);

  const activationTimeMs = performance.now() - started;
  log.info(`Activated in ${activationTimeMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.remoteName ?? 'local'}).`);
  return { activationTimeMs, statusBarItem: statusBar.item, log, features };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/**
 * Entry of the features bundle: every command handler and the status controller, built over the
 * shared SetupService. The extension bundle loads it on first use (see lazyFeatures.ts).
 */
import * as vscode from 'vscode';
import { COMMANDS, type CommandId } from '../ids';
import type { RegistrationStatusBar } from '../statusBar';
import { showStatusMenu } from './statusMenu';

/** What the light extension bundle hands to the features. */
export interface FeatureHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  statusBar: RegistrationStatusBar;
}

export interface Features extends vscode.Disposable {
  /** Runs a contributed command. */
  run(command: CommandId, ...args: unknown[]): Promise<unknown>;
  /** Starts the status bar's state tracking (configuration and vault health). */
  start(): void;
}

type Handler = (...args: unknown[]) => unknown;

export function createFeatures(host: FeatureHost): Features {
  const handlers: Partial<Record<CommandId, Handler>> = {
    [COMMANDS.statusMenu]: () => showStatusMenu(),
  };
  return {
    async run(command, ...args) {
      const handler = handlers[command];
      if (!handler) {
        host.log.warn(`The command ${command} is not available in this version.`);
        return undefined;
      }
      return handler(...args);
    },
    start() {
      // The status controller starts here.
    },
    dispose() {},
  };
}

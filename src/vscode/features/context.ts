/** What every command handler gets: the session, the user-input port, the error display and the status page. */
import type * as vscode from 'vscode';
import type { SetupError } from '../../core/service';
import { showSetupError } from './errors/showError';
import type { UserInput } from './input/userInput';
import type { SetupSession } from './session/types';
import type { StatusView } from './status/statusView';

export interface FeatureContext {
  readonly session: SetupSession;
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The current user-input port (tests swap it). */
  ui(): UserInput;
  /** "Show Registration Status"'s pages. */
  readonly statusView: StatusView;
}

export function showError(f: FeatureContext, err: SetupError, retry?: () => Promise<unknown>): Promise<void> {
  return showSetupError(f.ui(), f.extension.extensionPath, err, retry);
}

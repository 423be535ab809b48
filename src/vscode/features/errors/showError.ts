/**
 * How every command shows a refusal: the localised message, the error's own next step, "Retry"
 * when the operation can be repeated, and "Show Log". Cancellation never gets here.
 */
import * as vscode from 'vscode';
import type { SetupError } from '../../../core/errors';
import { COMMANDS } from '../../ids';
import type { UserInput } from '../input/userInput';
import { localiseError } from './localise';
import { nextStepFor } from './nextSteps';

export async function showSetupError(ui: UserInput, extensionPath: string, err: SetupError, retry?: () => Promise<unknown>): Promise<void> {
  const next = nextStepFor(err.params.action);
  const retryLabel = vscode.l10n.t('Retry');
  const logLabel = vscode.l10n.t('Show Log');
  const actions = [...(next ? [next.label] : []), ...(retry ? [retryLabel] : []), logLabel];
  const chosen = await ui.message('error', localiseError(err, extensionPath), ...actions);
  if (chosen === logLabel) await vscode.commands.executeCommand(COMMANDS.showLog);
  else if (chosen === retryLabel) await retry?.();
  else if (next && chosen === next.label) await vscode.commands.executeCommand(next.command);
}

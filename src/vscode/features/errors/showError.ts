/**
 * How every surface shows a refusal's way forward, and how commands show a refusal: the localised
 * message, its next step (a button that runs the fixing command, or its instruction after the
 * message), "Retry" when the operation can be repeated, and "Show Log". Cancellation never gets here.
 */
import * as vscode from 'vscode';
import { actionOf, type NextAction } from '../../../core/service';
import { isSignedInToAzure } from '../azure/signInState';
import { COMMANDS, type CommandId } from '../../ids';
import type { UserInput } from '../input/userInput';
import { localiseError, type ShownError } from './localise';
import { NEXT_STEPS, type NextStep } from './nextSteps';

/** An error's next step, localised: the fixing command and its label, or the instruction. */
export type ShownNextStep = { action: NextAction; command: CommandId; label: string } | { action: NextAction; instruction: string };

/** The next step of `error`: every error has one (the core's actionOf; a fresh file from Azure when signed in). */
export function nextStepOf(error: ShownError): ShownNextStep {
  const action = actionOf(error, { signedInToAzure: isSignedInToAzure() });
  const step: NextStep = NEXT_STEPS[action];
  return 'command' in step ? { action, command: step.command, label: vscode.l10n.t(step.label) } : { action, instruction: vscode.l10n.t(step.instruction) };
}

/** The next step as text, for surfaces without buttons (the fleet's rows and report, the status summary). */
export function nextStepText(error: ShownError): string {
  const next = nextStepOf(error);
  return 'instruction' in next ? next.instruction : vscode.l10n.t('Next step: {0}', next.label);
}

export async function showSetupError(ui: UserInput, extensionPath: string, err: ShownError, retry?: () => Promise<unknown>): Promise<void> {
  const next = nextStepOf(err);
  const retryLabel = vscode.l10n.t('Retry');
  const logLabel = vscode.l10n.t('Show Log');
  const text = localiseError(err, extensionPath);
  const fix = 'command' in next ? next : undefined;
  const actions = [...(fix ? [fix.label] : []), ...(retry ? [retryLabel] : []), logLabel];
  const chosen = await ui.message('error', 'instruction' in next ? `${text} ${next.instruction}` : text, ...actions);
  if (chosen === logLabel) await vscode.commands.executeCommand(COMMANDS.showLog);
  else if (chosen === retryLabel) await retry?.();
  // The fixing command gets the error's params: the trust command reads the endpoint from them.
  else if (fix && chosen === fix.label) await vscode.commands.executeCommand(fix.command, { ...err.params });
}

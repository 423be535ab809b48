/**
 * A plan's backend × agent in the window's language, for the palette's and the fleet's summaries
 * and the fleet report: the setup page's texts (webview/strings.ts), so every surface says the same.
 */
import * as vscode from 'vscode';
import type { BackendChoice } from '../../core/service';
import { STRINGS } from '../../webview/strings';

export function backendChoiceText({ backend, agent }: BackendChoice): string {
  return vscode.l10n.t(STRINGS.credentialsChoice, vscode.l10n.t(STRINGS[`backend.${backend}`]), vscode.l10n.t(STRINGS[`agent.${agent}`]));
}

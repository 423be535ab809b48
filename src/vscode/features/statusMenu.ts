import * as vscode from 'vscode';
import type { RegistrationState } from '../../core/service';
import { COMMANDS } from '../ids';
import { actionsFor, type StatusOffers } from '../statusActions';

/** The quick menu behind the status-bar item: the actions that fit the current state. */
export async function showStatusMenu(state: RegistrationState, offers: StatusOffers): Promise<void> {
  const items: Array<vscode.QuickPickItem & { command: string }> = [
    ...actionsFor(state, offers).map((a) => ({ label: `$(${a.icon}) ${a.label}`, command: a.command })),
    { label: `$(output) ${vscode.l10n.t('Show Log')}`, command: COMMANDS.showLog },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Backup Agent'), placeHolder: vscode.l10n.t('Choose an action') });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

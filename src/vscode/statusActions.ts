/** The actions that fit each registration state: the status menu's items and the tooltip's links. */
import * as vscode from 'vscode';
import type { RegistrationState } from '../core/status';
import { COMMANDS } from './ids';

export interface StatusAction {
  label: string;
  icon: string;
  command: string;
}

export interface StatusOffers {
  freshFromAzure?: boolean;
}

/**
 * `freshFromAzure`: the selected file is expired or about to expire and the user is signed in to
 * Azure (decided by the features bundle, which knows both), so a fresh file is one command away.
 */
export function actionsFor(state: RegistrationState, { freshFromAzure = false }: StatusOffers = {}): StatusAction[] {
  const a = (icon: string, label: string, command: string): StatusAction => ({ icon, label, command });
  const fresh = freshFromAzure ? [a('cloud-download', vscode.l10n.t('Get a Fresh File from Azure'), COMMANDS.getCredentialsFromAzure)] : [];
  const setup = a('rocket', vscode.l10n.t('Set Up Backup Agent…'), COMMANDS.setup);
  const select = a('key', vscode.l10n.t('Select Vault Credentials File…'), COMMANDS.selectCredentials);
  const status = a('info', vscode.l10n.t('Show Registration Status'), COMMANDS.showStatus);
  switch (state.kind) {
    case 'notSetUp':
      return [setup, select, a('book', vscode.l10n.t('Open Setup Page'), COMMANDS.openSetupPage)];
    case 'credentialsSelected':
      return [...fresh, setup, a('plug', vscode.l10n.t('Register This Server'), COMMANDS.register), select];
    case 'credentialsExpired':
      return [...fresh, select, setup];
    case 'registered':
      return [status, a('settings-gear', vscode.l10n.t('Change Properties…'), COMMANDS.changeProperties), a('debug-disconnect', vscode.l10n.t('Unregister Server'), COMMANDS.unregister)];
    case 'vaultUnreachable':
      return [a('pulse', vscode.l10n.t('Test Connectivity'), COMMANDS.testConnectivity), a('globe', vscode.l10n.t('Configure Proxy…'), COMMANDS.configureProxy), status];
    case 'revoked':
      return [setup, select, status];
  }
}

/** Commands the tooltip may run: only this extension's. */
export const TOOLTIP_COMMANDS = Object.values(COMMANDS);

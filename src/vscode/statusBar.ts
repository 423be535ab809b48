import * as vscode from 'vscode';
import { type RegistrationState, splitTimeLeft } from '../core/status';
import { COMMANDS, STATUS_BAR_ITEM_ID } from './ids';
import { actionsFor, TOOLTIP_COMMANDS, type StatusOffers } from './statusActions';

interface Presentation {
  text: string;
  tooltip: string;
  background?: vscode.ThemeColor;
}

export function present(state: RegistrationState): Presentation {
  switch (state.kind) {
    case 'notSetUp':
      return { text: `$(shield) ${vscode.l10n.t('Backup: not registered')}`, tooltip: vscode.l10n.t('This server is not registered with a backup vault.') };
    case 'credentialsSelected': {
      const { hours, minutes } = splitTimeLeft(state.timeLeftMs);
      return {
        text: `$(key) ${vscode.l10n.t('Backup: not registered · credentials expire in {0}h {1}m', hours, minutes)}`,
        tooltip: vscode.l10n.t('This server is not registered. Vault credentials for {0} are selected: register before they expire.', state.vaultName),
      };
    }
    case 'credentialsExpired':
      return {
        text: `$(warning) ${vscode.l10n.t('Backup: not registered · credentials expired')}`,
        tooltip: vscode.l10n.t('The vault credentials for {0} expired before this server was registered. Download a new file.', state.vaultName),
        background: new vscode.ThemeColor('statusBarItem.warningBackground'),
      };
    case 'registered':
      return { text: `$(pass) ${vscode.l10n.t('Backup: {0}', state.vaultName)}`, tooltip: vscode.l10n.t('{0} is registered with vault {1}.', state.serverName, state.vaultName) };
    case 'vaultUnreachable':
      return {
        text: `$(debug-disconnect) ${vscode.l10n.t('Backup: vault unreachable')}`,
        tooltip: vscode.l10n.t('The vault {0} did not answer the last health check.', state.vaultName),
        background: new vscode.ThemeColor('statusBarItem.warningBackground'),
      };
    case 'revoked':
      return {
        text: `$(error) ${vscode.l10n.t('Backup: not registered · revoked by the vault')}`,
        tooltip: vscode.l10n.t('The vault {0} revoked this server\'s registration.', state.vaultName),
        background: new vscode.ThemeColor('statusBarItem.errorBackground'),
      };
  }
}

/** The registration indicator: one item, with an id and a name, that opens the status menu. */
export class RegistrationStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('Backup Agent Registration');
    this.item.command = COMMANDS.statusMenu;
  }

  /** The state last shown: the status menu offers the actions that fit it. */
  state: RegistrationState = { kind: 'notSetUp' };

  /**
   * What activation knows before any configuration is read: the text only. The status controller
   * (features bundle) replaces it moments later with the real state, its tooltip and actions, so
   * building those here would be work thrown away at activation.
   */
  showProvisional(state: RegistrationState): void {
    this.apply(state, present(state));
    this.item.show();
  }

  show(state: RegistrationState, details: string[] = [], offers: StatusOffers = {}): void {
    const p = present(state);
    this.apply(state, p);
    this.item.tooltip = tooltip(state, p.tooltip, details, offers);
    this.item.backgroundColor = p.background;
    this.item.show();
  }

  private apply(state: RegistrationState, p: Presentation): void {
    this.state = state;
    this.item.text = p.text;
    this.item.accessibilityInformation = { label: p.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** Details as plain text (escaped), then command links to the actions for the state. */
function tooltip(state: RegistrationState, summary: string, details: string[], offers: StatusOffers): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
  md.appendText(summary);
  for (const line of details) {
    md.appendMarkdown('\n\n');
    md.appendText(line);
  }
  md.appendMarkdown('\n\n---\n\n');
  md.appendMarkdown(actionsFor(state, offers).map((a) => `[$(${a.icon}) ${a.label}](command:${a.command})`).join(' &nbsp; '));
  return md;
}

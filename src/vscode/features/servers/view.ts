/** The "Servers" view: this server, then the remote servers this admin set up, each with its state and last check. */
import os from 'node:os';
import * as vscode from 'vscode';
import type { ThisServer } from '../status/thisServer';
import { checkedRecord, type ServerRecord, type ServerState, type ServerStore } from './store';

/** This server's row id (remote rows are `user@host:port`). */
export const THIS_SERVER_ID = 'local';

/** This server's row, from its last status: never stored, so never removed from the list. */
function thisServerRecord({ status, checkedAt }: NonNullable<ThisServer['last']>): ServerRecord {
  return {
    id: THIS_SERVER_ID,
    destination: vscode.l10n.t('This server ({0})', os.hostname()),
    installFolder: status.installFolder,
    serverName: status.config?.serverName ?? '',
    ...checkedRecord(status, checkedAt),
  };
}

const ICONS: Record<ServerState, [string, string?]> = {
  registered: ['pass', 'testing.iconPassed'],
  notRegistered: ['circle-large-outline'],
  vaultUnreachable: ['debug-disconnect', 'list.warningForeground'],
  revoked: ['error', 'list.errorForeground'],
  unreachable: ['warning', 'list.warningForeground'],
};

export function serverStateLabel(state: ServerState): string {
  const labels: Record<ServerState, string> = {
    registered: vscode.l10n.t('Registered'),
    notRegistered: vscode.l10n.t('Not registered'),
    vaultUnreachable: vscode.l10n.t('Vault unreachable'),
    revoked: vscode.l10n.t('Registration revoked'),
    unreachable: vscode.l10n.t('Server unreachable'),
  };
  return labels[state];
}

/** "5 minutes ago", in the display language. */
function ago(iso: string, now: Date): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(vscode.env.language, { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return format.format(seconds, 'second');
}

export class ServersView implements vscode.TreeDataProvider<ServerRecord>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly store: ServerStore,
    private readonly thisServer: ThisServer,
  ) {
    this.disposables = [this.emitter, store.onDidChange(() => this.emitter.fire()), thisServer.onDidChange(() => this.emitter.fire())];
  }

  /** This server once its status was read, then the list. */
  getChildren(element?: ServerRecord): ServerRecord[] {
    if (element) return [];
    const last = this.thisServer.last;
    return [...(last ? [thisServerRecord(last)] : []), ...this.store.list()];
  }

  getTreeItem(record: ServerRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(record.destination);
    item.id = record.id;
    const [icon, color] = ICONS[record.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = `${serverStateLabel(record.state)} · ${vscode.l10n.t('last checked {0}', ago(record.lastCheckedAt, new Date()))}`;
    item.tooltip = [
      record.id === THIS_SERVER_ID ? os.hostname() : record.id,
      record.serverName && vscode.l10n.t('Server name: {0}', record.serverName),
      vscode.l10n.t('Install folder: {0}', record.installFolder || vscode.l10n.t('the default')),
      record.vault && vscode.l10n.t('Vault: {0}', record.vault),
      record.registrationId && vscode.l10n.t('Registration: {0}', record.registrationId),
      record.problem && vscode.l10n.t('Last check failed: {0}', record.problem),
    ]
      .filter(Boolean)
      .join('\n');
    // Its menus: "Remove from list" only for the remote servers of the list.
    item.contextValue = record.id === THIS_SERVER_ID ? 'thisServer' : 'server';
    return item;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

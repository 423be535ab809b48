/**
 * The "Servers" view: this server, then the remote servers this admin set up, each with its state
 * and last check; when signed in to Azure (or the local vault's emulator), then the vaults with
 * what each reports of its registered servers (vaultTree.ts, loaded only then).
 */
import os from 'node:os';
import * as vscode from 'vscode';
import type { ThisServer } from '../status/thisServer';
import { ago } from './ago';
import { checkedRecord, type ServerRecord, type ServerState, type ServerStore } from './store';
import { isVaultElement, type VaultElement, type VaultTreeSource } from './vaultNodes';

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
  simulated: ['beaker'],
};

export function serverStateLabel(state: ServerState): string {
  const labels: Record<ServerState, string> = {
    registered: vscode.l10n.t('Registered'),
    notRegistered: vscode.l10n.t('Not registered'),
    vaultUnreachable: vscode.l10n.t('Vault unreachable'),
    revoked: vscode.l10n.t('Registration revoked'),
    unreachable: vscode.l10n.t('Server unreachable'),
    simulated: vscode.l10n.t('Simulated, not registered'),
  };
  return labels[state];
}

export type ServerElement = ServerRecord | VaultElement;

/** The vault's view: whether the user is signed in (and when that changes), and the Azure chunk's side of it. */
export interface VaultViewSource {
  signedIn(): boolean;
  onDidChange: vscode.Event<unknown>;
  load(): Promise<VaultTreeSource>;
}

export class ServersView implements vscode.TreeDataProvider<ServerElement>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[];
  /** The vaults' rows as last read (kept, so the list stays synchronous); reloaded by refreshVaults. */
  private vaultRoots: VaultElement[] = [];
  private vaults?: Promise<VaultTreeSource>;

  constructor(
    private readonly store: ServerStore,
    private readonly thisServer: ThisServer,
    private readonly vaultView?: VaultViewSource,
  ) {
    this.disposables = [this.emitter, store.onDidChange(() => this.emitter.fire()), thisServer.onDidChange(() => this.emitter.fire())];
    if (vaultView) this.disposables.push(vaultView.onDidChange(() => void this.refreshVaults()));
  }

  /** This server once its status was read, then the list. */
  records(): ServerRecord[] {
    const last = this.thisServer.last;
    return [...(last ? [thisServerRecord(last)] : []), ...this.store.list()];
  }

  getChildren(): ServerElement[];
  getChildren(element: ServerElement): ServerElement[] | Promise<ServerElement[]>;
  getChildren(element?: ServerElement): ServerElement[] | Promise<ServerElement[]> {
    if (!element) return [...this.records(), ...this.vaultRoots];
    return isVaultElement(element) && element.kind === 'vault' && this.vaults ? this.vaults.then((v) => v.children(element)) : [];
  }

  /** Reads the vaults again (signed out: none); the tree then asks each expanded vault for its servers again. */
  async refreshVaults(): Promise<VaultElement[]> {
    if (!this.vaultView?.signedIn()) {
      this.vaultRoots = [];
    } else {
      this.vaults ??= this.vaultView.load();
      this.vaultRoots = await (await this.vaults).roots();
    }
    this.emitter.fire();
    return this.vaultRoots;
  }

  getTreeItem(record: ServerRecord): vscode.TreeItem;
  getTreeItem(element: ServerElement): vscode.TreeItem | Promise<vscode.TreeItem>;
  getTreeItem(element: ServerElement): vscode.TreeItem | Promise<vscode.TreeItem> {
    if (isVaultElement(element)) return this.vaults!.then((v) => v.item(element));
    return this.recordItem(element);
  }

  private recordItem(record: ServerRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(record.destination);
    item.id = record.id;
    const [icon, color] = ICONS[record.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = [
      serverStateLabel(record.state),
      record.vaultView === 'signInNeeded' && vscode.l10n.t("vault's view: sign in to Azure"),
      vscode.l10n.t('last checked {0}', ago(record.lastCheckedAt, new Date())),
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = [
      record.id === THIS_SERVER_ID ? os.hostname() : record.id,
      record.serverName && vscode.l10n.t('Server name: {0}', record.serverName),
      vscode.l10n.t('Install folder: {0}', record.installFolder || vscode.l10n.t('the default')),
      record.vault && vscode.l10n.t('Vault: {0}', record.vault),
      record.registrationId && vscode.l10n.t('Registration: {0}', record.registrationId),
      record.problem && vscode.l10n.t('Last check failed: {0}', record.problem),
      record.vaultView === 'signInNeeded' && vscode.l10n.t("This is what the server itself says. Sign in to Azure to see the vault's view of it."),
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

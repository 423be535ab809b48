/**
 * The vault's view (Azure chunk, loaded once the user is signed in): the vaults of the
 * subscriptions picked before, and for each the servers it has registered (MAB containers) with
 * what it reports of them: health, last backup and its status, item count. A server the vault
 * lists is shown even when it is not on the admin's list: it is registered all the same.
 */
import * as vscode from 'vscode';
import type { RegisteredServer, VaultRef } from '../../../core/service';
import { openArmSession } from '../azure/armSession';
import { recentSubscriptions } from '../azure/pickVault';
import type { AzureSignInState } from '../azure/signInState';
import type { FeatureContext } from '../context';
import { asSetupError } from '../session/checked';
import { ago } from './ago';
import type { ServerRecord } from './store';
import type { VaultElement, VaultNode, VaultTreeSource } from './vaultNodes';

type Arm = Awaited<ReturnType<typeof openArmSession>>;

const vaultId = (ref: VaultRef) => `vault:${ref.subscriptionId}/${ref.resourceGroup}/${ref.vault}`;
const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export function vaultTree(f: FeatureContext, signIn: AzureSignInState, records: () => ServerRecord[]): VaultTreeSource {
  /** Runs `work` on an ARM session of the current sign-in; a refusal becomes a problem row, logged. */
  async function withArm(problemId: string, work: (arm: Arm) => Promise<VaultElement[]>): Promise<VaultElement[]> {
    try {
      const tokens = await signIn.signIn(undefined);
      if (!tokens) return [];
      const arm = await openArmSession(f, tokens);
      try {
        return await work(arm);
      } finally {
        await arm.close();
      }
    } catch (err) {
      const error = asSetupError(err);
      f.log.warn(`Servers view, the vault's view: ${error.code}: ${error.message}`);
      return [{ kind: 'vaultProblem', id: `problem:${problemId}`, message: error.message }];
    }
  }

  const named = (vault: string) => records().some((r) => same(r.vault, vault));

  return {
    async roots() {
      const perSubscription = await Promise.all(
        recentSubscriptions(f.extension.globalState).map((subscriptionId) =>
          withArm(subscriptionId, async (arm) =>
            (await arm.listVaults(subscriptionId)).map((v): VaultNode => {
              const ref = { subscriptionId, resourceGroup: v.resourceGroup, vault: v.vault };
              return { kind: 'vault', id: vaultId(ref), ref, location: v.location };
            }),
          ),
        ),
      );
      return perSubscription.flat();
    },

    children(vault) {
      return withArm(vault.id, async (arm) =>
        (await arm.listServers(vault.ref)).map((server) => {
          const listed = records().find((r) => same(r.vault, vault.ref.vault) && same(r.serverName, server.friendlyName));
          return { kind: 'vaultServer', id: `${vault.id}/${server.name}`, ref: vault.ref, server, ...(listed ? { listedAs: listed.destination } : {}) };
        }),
      );
    },

    item(element) {
      if (element.kind === 'vaultProblem') {
        const item = new vscode.TreeItem(element.message);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = 'vaultProblem';
        return withId(item, element.id);
      }
      if (element.kind === 'vault') {
        // Read now, not when the vaults were: a registration made since (the list changes, the vaults are not read again) opens its vault.
        const expanded = named(element.ref.vault) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
        const item = new vscode.TreeItem(vscode.l10n.t('Vault {0}', element.ref.vault), expanded);
        item.iconPath = new vscode.ThemeIcon('azure');
        item.description = vscode.l10n.t('resource group {0} · {1}', element.ref.resourceGroup, element.location);
        item.tooltip = vscode.l10n.t('Subscription: {0}', element.ref.subscriptionId);
        item.contextValue = 'vault';
        return withId(item, element.id);
      }
      const { server, listedAs } = element;
      const item = new vscode.TreeItem(server.friendlyName);
      item.iconPath = new vscode.ThemeIcon('server');
      item.description = serverFacts(server).join(' · ');
      item.tooltip = [
        server.registrationStatus && vscode.l10n.t('Registration: {0}', server.registrationStatus),
        server.agentVersion && vscode.l10n.t('Agent version: {0}', server.agentVersion),
        server.backupItems.length ? vscode.l10n.t('Backup items: {0}', server.backupItems.join(', ')) : undefined,
        listedAs ? vscode.l10n.t('On your Servers list as {0}.', listedAs) : vscode.l10n.t('Not on your Servers list: registered with the vault all the same.'),
      ]
        .filter(Boolean)
        .join('\n');
      item.contextValue = 'vaultServer';
      return withId(item, element.id);
    },
  };
}

/** What the vault reports of a server, shortest first: health, last backup and its status, item count. */
export function serverFacts(server: RegisteredServer): string[] {
  const count = server.protectedItemCount ?? server.backupItems.length;
  return [
    server.healthStatus ?? '',
    server.lastBackupAt
      ? vscode.l10n.t('last backup {0} ({1})', ago(server.lastBackupAt, new Date()), server.lastBackupStatus ?? vscode.l10n.t('status unknown'))
      : vscode.l10n.t('no backup yet'),
    count === 1 ? vscode.l10n.t('1 item') : vscode.l10n.t('{0} items', count),
  ].filter(Boolean);
}

function withId(item: vscode.TreeItem, id: string): vscode.TreeItem {
  item.id = id;
  return item;
}

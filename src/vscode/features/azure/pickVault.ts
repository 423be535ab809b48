/** The vault, named as the portal names it: a subscription (typed, or one used before), then one of its vaults with its resource group and region. */
import * as vscode from 'vscode';
import { isSubscriptionId, type VaultSummary } from '../../../core/service';
import type { UserInput } from '../input/userInput';

const RECENT_KEY = 'azure.recentSubscriptions';
const RECENT_MAX = 5;
const TYPE_ONE = Symbol('type');

/** A subscription id: picked from the ones used before (not secrets: ids, in globalState), or typed. */
export async function pickSubscription(ui: UserInput, state: vscode.Memento, title: string): Promise<string> {
  const recent = recentSubscriptions(state);
  if (recent.length) {
    const chosen = await ui.pick<string | typeof TYPE_ONE>({
      title,
      step: { step: 1, total: 2 },
      placeholder: vscode.l10n.t('Subscription of the vault'),
      items: [...recent.map((id) => ({ label: id, data: id as string | typeof TYPE_ONE })), { label: vscode.l10n.t('$(edit) Enter a Subscription ID…'), data: TYPE_ONE }],
    });
    if (chosen.data !== TYPE_ONE) return chosen.data;
  }
  const typed = await ui.input({
    title,
    step: { step: 1, total: 2 },
    prompt: vscode.l10n.t('The subscription ID of the vault, as the portal shows it on the vault\'s Overview.'),
    placeholder: '00000000-0000-0000-0000-000000000000',
    validate: (v) => (isSubscriptionId(v.trim()) ? undefined : vscode.l10n.t('A subscription ID looks like 00000000-0000-0000-0000-000000000000.')),
  });
  return typed.trim();
}

/** The subscriptions picked before, latest first (the vault's view lists their vaults). */
export const recentSubscriptions = (state: vscode.Memento): string[] => state.get<string[]>(RECENT_KEY, []).filter(isSubscriptionId);

export async function rememberSubscription(state: vscode.Memento, id: string): Promise<void> {
  const recent = state.get<string[]>(RECENT_KEY, []).filter((s) => s !== id);
  await state.update(RECENT_KEY, [id, ...recent].slice(0, RECENT_MAX));
}

/** One of `vaults`, each shown with its resource group and region. */
export async function pickVault(ui: UserInput, vaults: readonly VaultSummary[], title: string): Promise<VaultSummary> {
  const chosen = await ui.pick({
    title,
    step: { step: 2, total: 2 },
    placeholder: vscode.l10n.t('Recovery Services vault'),
    items: vaults.map((v) => ({ label: v.vault, description: vscode.l10n.t('resource group {0} · {1}', v.resourceGroup, v.location), data: v })),
  });
  return chosen.data;
}

/**
 * The vault, named as the portal names it: a directory (tenant) when the account has more than
 * one, one of its subscriptions by name and id (or an id typed, for one the list does not show),
 * then one of its vaults with its resource group and region.
 */
import * as vscode from 'vscode';
import { isSubscriptionId, type SubscriptionSummary, type TenantSummary, type VaultSummary } from '../../../core/service';
import type { UserInput } from '../input/userInput';

const RECENT_KEY = 'azure.recentSubscriptions';
const RECENT_MAX = 5;
const TYPE_ONE = Symbol('type');

/** Where a picker stands in the tenant → subscription → vault sequence. */
export interface PickStep {
  step: number;
  total: number;
}

/** One of the account's directories, by the name the portal's directory switcher shows. */
export async function pickTenant(ui: UserInput, tenants: readonly TenantSummary[], title: string, step: PickStep): Promise<TenantSummary> {
  const chosen = await ui.pick({
    title,
    step,
    placeholder: vscode.l10n.t('Directory (tenant) of the vault\'s subscription'),
    items: tenants.map((t) => ({ label: t.displayName ?? t.tenantId, description: t.defaultDomain ?? '', detail: t.tenantId, data: t })),
  });
  return chosen.data;
}

/**
 * A subscription id: one of `subscriptions` by name and id (those picked before first), or typed
 * for one the list does not show (an account with rights on a vault's resource group only).
 */
export async function pickSubscription(ui: UserInput, state: vscode.Memento, subscriptions: readonly SubscriptionSummary[], title: string, step: PickStep): Promise<string> {
  if (subscriptions.length) {
    const recent = recentSubscriptions(state);
    const rank = (s: SubscriptionSummary) => {
      const i = recent.findIndex((id) => id.toLowerCase() === s.subscriptionId.toLowerCase());
      return i < 0 ? recent.length : i;
    };
    const ordered = [...subscriptions].sort((a, b) => rank(a) - rank(b));
    const chosen = await ui.pick<string | typeof TYPE_ONE>({
      title,
      step,
      placeholder: vscode.l10n.t('Subscription of the vault'),
      items: [
        ...ordered.map((s) => ({
          label: s.displayName,
          description: s.subscriptionId,
          ...(s.state && s.state !== 'Enabled' ? { detail: vscode.l10n.t('State: {0}', s.state) } : {}),
          data: s.subscriptionId as string | typeof TYPE_ONE,
        })),
        { label: vscode.l10n.t('$(edit) Enter a Subscription ID…'), data: TYPE_ONE },
      ],
    });
    if (chosen.data !== TYPE_ONE) return chosen.data;
  }
  const typed = await ui.input({
    title,
    step,
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
export async function pickVault(ui: UserInput, vaults: readonly VaultSummary[], title: string, step: PickStep): Promise<VaultSummary> {
  const chosen = await ui.pick({
    title,
    step,
    placeholder: vscode.l10n.t('Recovery Services vault'),
    items: vaults.map((v) => ({ label: v.vault, description: vscode.l10n.t('resource group {0} · {1}', v.resourceGroup, v.location), data: v })),
  });
  return chosen.data;
}

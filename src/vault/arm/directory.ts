/**
 * ARM's directory reads (Microsoft.Resources `GET /tenants`, `GET /subscriptions`): the tenants
 * and subscriptions the local vault's vaults live in, so that the tenant → subscription → vault
 * pick works offline. A subscription exists here while a vault names it; its directory is its
 * vaults' tenant (registry.ts keeps one per subscription). The local vault has no names for
 * either, so each is named after the start of its id.
 */
import { SUBSCRIPTIONS_API_VERSION } from '../../core/vault/azure/apiVersions';
import type { VaultState } from '../model';
import type { ArmDeps } from './deps';
import type { ArmRouteSpec } from './request';
import { page } from './resources';

interface LocalSubscription {
  subscriptionId: string;
  tenantId: string;
}

/** One per subscription a vault names, in the order their first vault was created. */
function subscriptionsOf(state: VaultState): LocalSubscription[] {
  const vaults = Object.values(state.vaults).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const found = new Map<string, LocalSubscription>();
  for (const { identity } of vaults) {
    const key = identity.subscriptionId.toLowerCase();
    if (!found.has(key)) found.set(key, { subscriptionId: identity.subscriptionId, tenantId: identity.tenantId });
  }
  return [...found.values()];
}

const short = (id: string) => id.slice(0, 8);

/** A tenant as `Tenants_List` answers it (TenantIdDescription). */
function tenantResource(tenantId: string) {
  const domain = `local-${short(tenantId)}.onmicrosoft.test`;
  return {
    id: `/tenants/${tenantId}`,
    tenantId,
    tenantCategory: 'Home',
    displayName: `Local directory ${short(tenantId)}`,
    domains: [domain],
    defaultDomain: domain,
    tenantType: 'AAD',
  };
}

/** A subscription as `Subscriptions_List` answers it. */
function subscriptionResource(s: LocalSubscription) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    displayName: `Local subscription ${short(s.subscriptionId)}`,
    tenantId: s.tenantId,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    tags: {},
  };
}

export function directoryRoutes(deps: ArmDeps): ArmRouteSpec[] {
  const apiVersion = SUBSCRIPTIONS_API_VERSION;
  return [
    {
      method: 'GET',
      path: '/tenants',
      apiVersion,
      handle: async (request) => {
        const tenants = [...new Set(subscriptionsOf(deps.store.state).map((s) => s.tenantId))].map(tenantResource);
        return { status: 200, body: page(tenants, request, deps.url()) };
      },
    },
    {
      method: 'GET',
      path: '/subscriptions',
      apiVersion,
      handle: async (request) => ({ status: 200, body: page(subscriptionsOf(deps.store.state).map(subscriptionResource), request, deps.url()) }),
    },
  ];
}

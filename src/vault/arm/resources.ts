/**
 * The local vault's vaults as ARM resources: their ids, their JSON, how a path finds one, and
 * ARM's `nextLink` paging.
 */
import type { VaultIdentity } from '../issuer';
import type { VaultRecord, VaultState } from '../model';
import { ArmError } from './errors';
import type { ArmRequest } from './request';

/** Items per page: small, so that clients meet `nextLink` paging with a handful of vaults. */
export const ARM_PAGE_SIZE = 10;

export function vaultId(vault: VaultIdentity): string {
  return `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}`;
}

/** A vault as ARM's `GET …/vaults/{vault}` answers it (the fields the local vault models). */
export function vaultResource(vault: VaultRecord) {
  const { identity } = vault;
  return {
    id: vaultId(identity),
    name: identity.name,
    type: 'Microsoft.RecoveryServices/vaults',
    location: identity.location,
    tags: {},
    sku: { name: 'Standard' },
    properties: { provisioningState: 'Succeeded' },
    systemData: { createdAt: vault.createdAt },
  };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The vaults of a subscription, or of one of its resource groups (ARM names are case-insensitive). */
export function vaultsIn(state: VaultState, subscriptionId: string, resourceGroup?: string): VaultRecord[] {
  return Object.values(state.vaults).filter(
    (v) => same(v.identity.subscriptionId, subscriptionId) && (resourceGroup === undefined || same(v.identity.resourceGroup, resourceGroup)),
  );
}

/** The vault a `…/vaults/{vault}` path names, also named in the request's log line. */
export function findArmVault(state: VaultState, request: ArmRequest): VaultRecord {
  const { subscriptionId, resourceGroup, vault } = request.params as { subscriptionId: string; resourceGroup: string; vault: string };
  const found = vaultsIn(state, subscriptionId, resourceGroup).find((v) => same(v.identity.name, vault));
  if (!found) {
    throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.RecoveryServices/vaults/${vault}' under resource group '${resourceGroup}' was not found.`);
  }
  request.ctx.vault = found.identity.name;
  return found;
}

/**
 * One page of `items`, from the `$skipToken` offset, with the `nextLink` (an absolute URL on
 * this service, the request's other query parameters kept) when more follow.
 */
export function page<T>(items: T[], { path, query }: ArmRequest, baseUrl: string): { value: T[]; nextLink?: string } {
  const token = query.get('$skipToken') ?? '0';
  if (!/^\d+$/.test(token) || Number(token) > items.length) {
    throw new ArmError(400, 'InvalidSkipToken', `The $skipToken '${token}' is not one this service issued.`);
  }
  const from = Number(token);
  const value = items.slice(from, from + ARM_PAGE_SIZE);
  if (from + ARM_PAGE_SIZE >= items.length) return { value };
  const next = new URL(path, baseUrl);
  for (const [key, v] of query) if (key !== '$skipToken') next.searchParams.append(key, v);
  next.searchParams.set('$skipToken', String(from + ARM_PAGE_SIZE));
  return { value, nextLink: next.href };
}

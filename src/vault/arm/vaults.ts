/** ARM's vault reads: list by subscription, list by resource group, get one. */
import { RECOVERY_SERVICES_API_VERSION } from '../../core/vault/azure/apiVersions';
import type { ArmDeps } from './deps';
import { SUBSCRIPTION, VAULT, VAULTS, type ArmRouteSpec } from './request';
import { findArmVault, page, vaultResource, vaultsIn } from './resources';

export function vaultRoutes(deps: ArmDeps): ArmRouteSpec[] {
  const apiVersion = RECOVERY_SERVICES_API_VERSION;
  const list = (path: string): ArmRouteSpec => ({
    method: 'GET',
    path,
    apiVersion,
    handle: async (request) => {
      const vaults = vaultsIn(deps.store.state, request.params.subscriptionId!, request.params.resourceGroup).map(vaultResource);
      return { status: 200, body: page(vaults, request, deps.url()) };
    },
  });
  return [
    list(`${SUBSCRIPTION}/providers/Microsoft\\.RecoveryServices/vaults`),
    list(VAULTS),
    {
      method: 'GET',
      path: VAULT,
      apiVersion,
      handle: async (request) => {
        const vault = findArmVault(deps.store.state, request);
        return { status: 200, body: vaultResource(vault) };
      },
    },
  ];
}

/**
 * The ARM emulator: the part of Azure Resource Manager the extension's Azure provider calls,
 * served on the vault's own HTTPS port under `/tenants` and `/subscriptions…` (docs/vault-api.md, "ARM").
 */
import type { Route } from '../http/router';
import { certificateRoutes } from './certificates';
import type { ArmDeps } from './deps';
import { directoryRoutes } from './directory';
import { guardedRoutes } from './request';
import { securityPinRoutes } from './securityPins';
import { serverRoutes } from './servers';
import { vaultRoutes } from './vaults';

export type { ArmDeps } from './deps';

export function armRoutes(deps: ArmDeps, token: string): Route[] {
  return guardedRoutes(token, [...directoryRoutes(deps), ...vaultRoutes(deps), ...certificateRoutes(deps), ...serverRoutes(deps), ...securityPinRoutes(deps)]);
}

/**
 * `POST …/vaults/{vault}/backupSecurityPIN`: the portal's "Generate security PIN", which the MARS
 * agent asks for before a passphrase change (ARM facts §4). The PIN comes from the same rule as
 * the admin's `security-pin`: 8 digits, single use, 5 minutes.
 */
import { RECOVERY_SERVICES_BACKUP_API_VERSION } from '../../core/vault/azure/apiVersions';
import { readBody } from '../http/body';
import * as registry from '../registry';
import type { ArmDeps } from './deps';
import { Int64, armJson } from './json';
import { VAULT, type ArmRouteSpec } from './request';
import { findArmVault } from './resources';

/** .NET ticks (100 ns since 0001-01-01) of the Unix epoch: how ARM writes the PIN's expiry. */
const EPOCH_TICKS = 621_355_968_000_000_000n;

export function securityPinRoutes(deps: ArmDeps): ArmRouteSpec[] {
  return [
    {
      method: 'POST',
      path: `${VAULT}/backupSecurityPIN`,
      apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION,
      handle: async (request) => {
        const vault = findArmVault(deps.store.state, request);
        // The optional body (resource guard requests) is not modelled, only bounded.
        await readBody(request.ctx.req);
        const pin = await deps.store.mutate((s) => registry.issueSecurityPin(s, vault.identity.name, deps.now()));
        const expiryTicks = EPOCH_TICKS + BigInt(pin.expiresAt.getTime()) * 10_000n;
        return { status: 200, body: armJson({ securityPIN: pin.pin, expiryTimeInUtcTicks: new Int64(expiryTicks.toString()) }) };
      },
    },
  ];
}

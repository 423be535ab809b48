import assert from 'node:assert/strict';
import { isSetupError } from '../../../../src/core/errors';
import { checkVaultNames } from '../../../../src/core/vault/azure/names';

const VALID = { subscriptionId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', resourceGroup: 'rg-backup', vault: 'lab1' };

describe("Azure's names of a vault", () => {
  it('takes what the portal can create: any-script resource groups with -_.(), 2-50 character vault names', () => {
    for (const ref of [
      VALID,
      { ...VALID, subscriptionId: VALID.subscriptionId.toUpperCase() },
      { ...VALID, resourceGroup: 'grupo-producción_(2026).eu' },
      { ...VALID, resourceGroup: 'x'.repeat(90) },
      { ...VALID, vault: `v${'1'.repeat(49)}` },
    ]) {
      assert.deepEqual(checkVaultNames(ref), ref);
    }
  });

  it('refuses each name against its own rule, naming it', () => {
    const cases: Array<[Partial<typeof VALID>, string, string]> = [
      [{ subscriptionId: 'sub-1' }, 'AzureSubscriptionIdInvalid', 'sub-1'],
      [{ subscriptionId: `${VALID.subscriptionId}0` }, 'AzureSubscriptionIdInvalid', `${VALID.subscriptionId}0`],
      [{ resourceGroup: 'rg.' }, 'AzureResourceGroupNameInvalid', 'rg.'],
      [{ resourceGroup: 'x'.repeat(91) }, 'AzureResourceGroupNameInvalid', `${'x'.repeat(64)}…`],
      [{ resourceGroup: 'a/b' }, 'AzureResourceGroupNameInvalid', 'a/b'],
      [{ vault: 'v' }, 'AzureVaultNameInvalid', 'v'],
      [{ vault: '1vault' }, 'AzureVaultNameInvalid', '1vault'],
      [{ vault: 'my_vault' }, 'AzureVaultNameInvalid', 'my_vault'],
    ];
    for (const [change, code, value] of cases) {
      assert.throws(
        () => checkVaultNames({ ...VALID, ...change }),
        (err: unknown) => isSetupError(err, code as never) && err.params.value === value,
        JSON.stringify(change),
      );
    }
  });
});

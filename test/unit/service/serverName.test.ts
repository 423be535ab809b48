// The server-name default, one rule in the core (SetupService.serverName): every surface (the
// palette's server-name step, the plan, the fleet, the passphrase file's header) takes it from there.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { givenServerName, isSetupError } from '../../../src/core/service';
import { acceptLocation, serviceFor, setupInput, startServiceVault, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, tempDir, type TestVault } from '../../support/vault';

describe('The server-name default', function () {
  this.timeout(60_000);
  let root: string;
  let vault: TestVault;

  before(async () => {
    root = await tempDir('server-name-');
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it("is the given name, trimmed, else the target's own host name", async () => {
    const { service } = serviceFor(root, undefined);
    assert.equal(await service.serverName('  web-01 '), 'web-01');
    for (const blank of [undefined, '', '   ']) assert.equal(await service.serverName(blank), os.hostname(), JSON.stringify(blank));
  });

  it('takes a given name only when it is not blank (the passphrase file proposal uses the same rule)', () => {
    assert.equal(givenServerName('  web-01 '), 'web-01');
    for (const blank of [undefined, '', '   ']) assert.equal(givenServerName(blank), undefined, JSON.stringify(blank));
  });

  it('is what the plan names, with a name given and without', async () => {
    const creds = await createVaultWithCredentials(vault);
    const file = await writeCredentials(root, creds.file);
    const { service } = serviceFor(root, vault);
    for (const given of [' lab-server ', '  ']) {
      const plan = await service.plan(setupInput(file, root, { serverName: given }));
      assert.equal(plan.serverName, await service.serverName(given), JSON.stringify(given));
    }
  });

  it("refuses, before anything is made, a name the vault would refuse; the vault's longest name registers", async () => {
    const creds = await createVaultWithCredentials(vault);
    const file = await writeCredentials(root, creds.file);
    const { service } = serviceFor(root, vault);
    const folder = await fs.mkdtemp(`${root}/names-`);
    for (const bad of ['x'.repeat(254), 'web\t01']) {
      const input = { ...setupInput(file, folder, { serverName: bad }) };
      for (const attempt of [service.serverName(bad), service.plan(input), service.register(input, { confirmPassphraseLocation: acceptLocation })]) {
        await assert.rejects(attempt, (err) => isSetupError(err, 'ServerNameInvalid') && !/\t/.test(err.message), JSON.stringify(bad));
      }
      assert.deepEqual(await fs.readdir(folder), [], 'nothing installed, no passphrase file');
    }
    const longest = 'x'.repeat(253);
    const registered = await service.register(setupInput(file, folder, { serverName: longest }), { confirmPassphraseLocation: acceptLocation });
    assert.equal(registered.serverName, longest);
  });
});

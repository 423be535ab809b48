/**
 * The install record (issue 12): a registration in a chosen folder is found again by status,
 * change and unregister without the folder, on this machine with the real vault; a given folder
 * wins; a record that cannot be used is refused with its own code. The record's folder is this
 * test process's (test/support/recordDir.ts), emptied before each test.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { defaultFolders, installRecordFile } from '../../../src/core/config/layout';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import type { HostFacts } from '../../../src/core/target/target';
import { LocalTarget } from '../../../src/core/target/local';
import { acceptLocation, serviceFor, setupInput, startServiceVault, tempDir, TEST_PASSPHRASE, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, type TestVault } from '../../support/vault';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
}

describe('installRecordFile', () => {
  const linux: HostFacts = { hostname: 'h', platform: 'linux', arch: 'x64', osName: 'Debian', osVersion: '12', homeDir: '/home/ops', elevated: false };

  it('is /etc/backup-agent for root, ~/.config/backup-agent for another account, BACKUP_AGENT_RECORD_DIR when the account sets it', () => {
    assert.equal(installRecordFile({ ...linux, elevated: true, homeDir: '/root' }), '/etc/backup-agent/install.json');
    assert.equal(installRecordFile(linux), '/home/ops/.config/backup-agent/install.json');
    assert.equal(installRecordFile({ ...linux, elevated: true, recordDir: '/srv/records' }), '/srv/records/install.json');
    assert.equal(installRecordFile({ ...linux, platform: 'win32', homeDir: 'C:\\Users\\ops' }), 'C:\\ProgramData\\Backup Agent\\install.json');
  });

  it("puts a Windows server's default folders where the MARS installer itself does (agent facts §3), so an agent installed there is found", () => {
    assert.deepEqual(defaultFolders({ ...linux, platform: 'win32', homeDir: 'C:\\Users\\ops', elevated: true }), {
      installFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent',
      cacheFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent\\Scratch',
    });
  });
});

describe('The install record with the real local vault', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let root: string;
  let recordFile: string;
  const target = new LocalTarget();

  before(async () => {
    vault = await startServiceVault();
    recordFile = installRecordFile(await target.facts());
  });
  after(async () => {
    await vault?.close();
  });
  beforeEach(async () => {
    root = await tempDir('install-record-');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function fixture() {
    const creds = await createVaultWithCredentials(vault);
    const credentialsFile = await writeCredentials(root, creds.file);
    const { service } = serviceFor(root, vault);
    // Not the default folder: only the record can lead status there.
    const input = setupInput(credentialsFile, root, { installFolder: path.join(root, 'chosen', 'agent-install') });
    return { service, input, installFolder: input.installFolder! };
  }

  it('is the test process\'s own, never the machine\'s place', () => {
    assert.equal(path.dirname(recordFile), process.env.BACKUP_AGENT_RECORD_DIR);
  });

  it('is planned, written after registering, and leads status, change and unregister to the chosen folder; a given folder wins', async () => {
    const { service, input, installFolder } = await fixture();
    const plan = await service.plan(input);
    assert.ok(plan.changes.some((c) => c.kind === 'writeFile' && c.path === recordFile), inspect(plan.changes));
    await assert.rejects(fs.stat(recordFile), 'planning writes nothing');

    const registered = await service.register(input, { confirmPassphraseLocation: acceptLocation });
    const text = await fs.readFile(recordFile, 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(text)).sort(), ['formatVersion', 'installFolder', 'updatedAt']);
    assert.equal(JSON.parse(text).installFolder, installFolder);
    assert.ok(!text.includes(TEST_PASSPHRASE), 'no secret in the record');

    const status = await service.status();
    assert.equal(status.installFolder, installFolder);
    assert.equal(status.state.kind, 'registered');
    assert.equal(status.config?.registration?.id, registered.registrationId);
    assert.equal((await service.installPlace()).installFolder, installFolder);

    const elsewhere = path.join(root, 'elsewhere');
    const given = await service.status({ installFolder: elsewhere });
    assert.equal(given.installFolder, elsewhere);
    assert.equal(given.state.kind, 'notSetUp');

    const changed = await service.change({ cacheFolder: path.join(root, 'cache-2'), dataSizeBytes: 1024 });
    assert.equal(changed.config.installFolder, installFolder);

    const unregistered = await service.unregister();
    assert.equal(unregistered.alreadyUnregistered, false);
    // The install stays, and so does the record: status reads that install, now unregistered.
    assert.equal(JSON.parse(await fs.readFile(recordFile, 'utf8')).installFolder, installFolder);
    const after = await service.status();
    assert.equal(after.installFolder, installFolder);
    assert.equal(after.state.kind, 'notSetUp');
    assert.equal(after.config?.machineId, registered.machineId);
    assert.equal(after.config?.registration, null);
  });

  it('is not written when the registration does not finish', async () => {
    const { service, input } = await fixture();
    const controller = new AbortController();
    const onProgress = (name: string) => name === 'writeConfiguration' && controller.abort();
    await assert.rejects(service.register(input, { confirmPassphraseLocation: acceptLocation, signal: controller.signal, onProgress }), CancelledError);
    await assert.rejects(fs.stat(recordFile), 'no record of a folder without a registration');
  });

  it('refuses a record that is not JSON, not a record, or names a relative folder (InstallRecordInvalid), and one it cannot read (InstallRecordUnreadable); a given folder passes it by', async () => {
    const { service } = await fixture();
    await fs.mkdir(path.dirname(recordFile), { recursive: true });
    for (const bad of ['{"formatVersion":1,', JSON.stringify({ formatVersion: 1, folder: '/opt/x', updatedAt: new Date().toISOString() }), JSON.stringify({ formatVersion: 1, installFolder: 'opt/x', updatedAt: new Date().toISOString() })]) {
      await fs.writeFile(recordFile, bad);
      await rejectsWith(service.status(), 'InstallRecordInvalid');
      await rejectsWith(service.unregister(), 'InstallRecordInvalid');
    }
    const given = await service.status({ installFolder: path.join(root, 'given') });
    assert.equal(given.installFolder, path.join(root, 'given'));

    await fs.rm(recordFile);
    await fs.mkdir(recordFile);
    await rejectsWith(service.status(), 'InstallRecordUnreadable');
    await fs.rm(recordFile, { recursive: true });
  });
});

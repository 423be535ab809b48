/**
 * End to end over SSH: the same SetupService the local tests drive, with an SshTarget into a
 * real sshd on this machine, registering with the real test vault. What it writes remotely is
 * checked with node:fs (the server is this machine).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readAgentConfig } from '../../../src/core/config/agentConfig';
import { agentLayout } from '../../../src/core/config/layout';
import { REGISTER_STAGES, type RegisterStage } from '../../../src/core/service';
import { openSshTarget, SshCode, type SshTarget } from '../../../src/core/target/ssh';
import { acceptLocation, serviceFor, setupInput, startServiceVault, TEST_PASSPHRASE, writeCredentials } from '../../support/service';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { createVaultWithCredentials, type TestVault } from '../../support/vault';
import { mountTmpfs, mountUnavailableReason } from '../cache/tmpfs';
import { connectOptions, destinationOf, rejectsWith, scriptedPrompts, skipUnless, sshTempDir } from './support';

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;

describe('SetupService over SSH against the real local vault', function () {
  this.timeout(120_000);
  let vault: TestVault;
  let dir: string;
  let key: KeyPair;
  let root: string;
  const opened: Array<{ close(): Promise<void> }> = [];

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_admin');
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(dir, 'root-'));
  });
  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await thing.close();
  });

  async function sshd(options: Parameters<typeof startSshd>[0] = {}): Promise<TestSshd> {
    const server = await startSshd({ authorizedKeys: [key.publicKey], ...options });
    opened.push(server);
    return server;
  }

  async function connect(server: TestSshd): Promise<SshTarget> {
    const known = path.join(root, 'known_hosts');
    await fs.writeFile(known, `${server.knownHostsLine}\n`);
    const target = await openSshTarget(destinationOf(server, [key.privateKeyFile]), connectOptions(root, scriptedPrompts({ trust: false }), { knownHostsFiles: [known] }));
    opened.push(target);
    return target;
  }

  async function fixture(target: SshTarget, overrides: Parameters<typeof setupInput>[2] = {}) {
    const creds = await createVaultWithCredentials(vault);
    const credentialsFile = await writeCredentials(root, creds.file);
    const { service, logger } = serviceFor(root, vault, { target });
    const input = setupInput(credentialsFile, root, { serverName: `ssh-e2e-${path.basename(root)}`, ...overrides });
    return { creds, service, logger, input, layout: agentLayout(target, input.installFolder!) };
  }

  it('judges the passphrase file as a file on the admin machine: no warning about the remote\'s folders or about being on the protected server', async () => {
    const target = await connect(await sshd());
    const { input } = await fixture(target);
    // A path that, on the server, would be inside its install folder: here it names a file on this machine.
    const passphraseFile = path.join(input.installFolder!, 'passphrase.txt');
    const remote = await serviceFor(root, vault, { target }).service.plan({ ...input, passphraseFile });
    assert.deepEqual(remote.warnings.map((w) => w.code).filter((c) => c.startsWith('PassphraseFile')), []);
    const local = await serviceFor(root, vault).service.plan({ ...input, passphraseFile });
    assert.deepEqual(local.warnings.map((w) => w.code).filter((c) => c.startsWith('PassphraseFile')).sort(), ['PassphraseFileInInstallFolder', 'PassphraseFileOnProtectedServer']);
  });

  it('registers, and status over SSH says registered; secret files are 0600', async () => {
    const target = await connect(await sshd());
    const { creds, service, logger, input, layout } = await fixture(target);
    const stages: string[] = [];
    const result = await service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress: (s) => stages.push(s) });
    // The agent checks the vault from the server as it registers (checkFromServer): no check from here first.
    assert.deepEqual([...new Set(stages)], REGISTER_STAGES.filter((s) => s !== 'checkConnectivity'));
    assert.equal(result.serverName, input.serverName);

    const config = await readAgentConfig(target, layout);
    assert.equal(config?.registration?.id, result.registrationId);
    assert.equal(config?.machineId, result.machineId);
    assert.equal((await fs.readFile(layout.machineIdFile, 'utf8')).trim(), result.machineId);
    assert.equal(await mode(layout.machineKeyFile), 0o600);
    assert.equal(await mode(input.passphraseFile!), 0o600);
    assert.ok(await fs.stat(path.join(layout.agentDir, 'main.js')));

    const status = await service.status({ installFolder: input.installFolder });
    assert.deepEqual(status.state, { kind: 'registered', vaultName: creds.identity.name, serverName: result.serverName });
    const [remote] = await vault.admin.listRegistrations(creds.identity.name);
    assert.equal(remote?.registrationId, result.registrationId);
    assert.ok(!logger.lines.join('\n').includes(TEST_PASSPHRASE));
  });

  it('a cache folder on a full remote file system is refused with the cache code', async function () {
    skipUnless(this, await mountUnavailableReason());
    const full = await mountTmpfs({ sizeBytes: 64 * 1024 });
    opened.push({ close: () => full.unmount() });
    const target = await connect(await sshd());
    const { service, input } = await fixture(target, { cacheFolder: path.join(full.dir, 'cache'), dataSizeBytes: 1024 * 1024 * 1024 });
    const err = await rejectsWith(service.register(input, { confirmPassphraseLocation: acceptLocation }), 'CacheFolderTooSmall');
    assert.equal(err.params.folder, path.join(full.dir, 'cache'));
    assert.deepEqual(await fs.readdir(full.dir), []);
  });

  for (const stage of ['installAgent', 'registerWithVault'] as const satisfies readonly RegisterStage[]) {
    it(`sshd killed at ${stage}: ConnectionLost; back on the same port and key, the re-run keeps the machine and registration`, async () => {
      const first = await sshd();
      const target = await connect(first);
      const { creds, service, input, layout } = await fixture(target);
      await rejectsWith(service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress: (s) => s === stage && first.kill() }), SshCode.ConnectionLost);
      const machineIdBefore = await fs.readFile(layout.machineIdFile, 'utf8').then((t) => t.trim(), () => undefined);

      const again = await sshd({ port: first.port, hostKey: first.hostKey });
      const retryTarget = await connect(again);
      const retry = serviceFor(root, vault, { target: retryTarget }).service;
      const result = await retry.register(input, { confirmPassphraseLocation: acceptLocation });
      // The machine identity is made before registering: from then on a re-run must keep it.
      if (stage === 'registerWithVault') assert.equal(result.machineId, machineIdBefore);
      else assert.equal(machineIdBefore, undefined);
      const registrations = await vault.admin.listRegistrations(creds.identity.name);
      assert.deepEqual(registrations.map((r) => r.registrationId), [result.registrationId]);
      const config = await readAgentConfig(retryTarget, layout);
      assert.equal(config?.registration?.id, result.registrationId);
      assert.equal(config?.machineId, result.machineId);
    });
  }
});

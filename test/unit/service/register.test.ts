import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { readAgentConfig } from '../../../src/core/config/agentConfig';
import { agentLayout } from '../../../src/core/config/layout';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { CancelledError, isSetupError, SetupError } from '../../../src/core/errors';
import { checkPrerequisites } from '../../../src/core/install';
import { readPassphraseFile } from '../../../src/core/passphrase/file';
import { verifyPassphrase } from '../../../src/core/passphrase/verifier';
import { Secret } from '../../../src/core/secret';
import { adminIssuer, LocalVaultBackend } from '../../../src/core/vault/local';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { REGISTER_STAGES, UNREGISTER_STAGES, type SetupInput } from '../../../src/core/service';
import { LocalTarget } from '../../../src/core/target/local';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { filesUnder } from '../../support/files';
import { acceptLocation, serviceFor, setupInput, startServiceVault, tempDir, TEST_PASSPHRASE, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, issueTestCredentials, type TestVault } from '../../support/vault';

const PROXY_USER = 'backup';
const PROXY_PASSWORD = 'Pr0xy-pass-for-agent';

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<SetupError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
  return err;
}

async function mode(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777;
}

describe('SetupService against the real local vault', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let root: string;
  const target = new LocalTarget();

  before(async () => {
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
  });
  beforeEach(async () => {
    root = await tempDir('service-');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** A fresh vault with its credentials file, a service and the input for this test's root. */
  async function fixture(overrides: Partial<SetupInput> = {}) {
    const creds = await createVaultWithCredentials(vault);
    const credentialsFile = await writeCredentials(root, creds.file);
    const { service, logger } = serviceFor(root, vault);
    const input = setupInput(credentialsFile, root, overrides);
    return { creds, service, logger, input, layout: agentLayout(target, input.installFolder!) };
  }

  it('plans without changing anything, naming every change and the resolved defaults', async () => {
    const { service, input } = await fixture({ cacheFolder: undefined });
    const before = await filesUnder(root);
    const plan = await service.plan(input);
    assert.deepEqual(await filesUnder(root), before);
    assert.equal(plan.cacheFolder, path.join(input.installFolder!, 'scratch'));
    assert.equal(plan.proxy.mode, 'off');
    const kinds = plan.changes.map((c) => c.kind);
    assert.ok(kinds.includes('installAgent') && kinds.includes('register'), inspect(plan.changes));
    assert.deepEqual(
      plan.changes.filter((c) => c.secret).map((c) => path.basename(c.path!)),
      [path.basename(input.passphraseFile!), 'machine.key'],
    );
    // With the local target the passphrase file is written on the server it protects.
    assert.deepEqual(plan.warnings.map((w) => w.code), ['PassphraseFileOnProtectedServer']);
  });

  it('installPlace() names the folders a setup without chosen folders uses, and status() the configuration it read', async () => {
    const { service, input } = await fixture({ cacheFolder: undefined });
    delete input.installFolder;
    const plan = await service.plan(input);
    const defaults = await service.installPlace();
    assert.equal(defaults.installFolder, plan.installFolder, 'the default install folder is the one the setup uses');
    assert.equal(defaults.defaultCacheFolder, plan.cacheFolder, 'and so is the default cache folder');
    const chosen = path.join(root, 'chosen');
    assert.equal((await service.installPlace({ installFolder: chosen })).defaultCacheFolder, (await service.plan({ ...input, installFolder: chosen })).cacheFolder);
    await rejects(service.installPlace({ installFolder: 'relative/folder' }), 'InstallFolderNotAbsolute');
    // A plan refuses a relative cache folder as it does a relative install folder, before anything is made.
    const before = await filesUnder(root);
    await rejects(service.plan({ ...input, cacheFolder: 'relative/cache' }), 'CacheFolderNotAbsolute');
    await rejects(service.register({ ...input, cacheFolder: 'relative/cache' }, { confirmPassphraseLocation: acceptLocation }), 'CacheFolderNotAbsolute');
    assert.deepEqual(await filesUnder(root), before);
    assert.equal((await service.status({ installFolder: chosen })).configFile, agentLayout(target, chosen).configFile);
  });

  it('plans a re-registration and warns of credentials that expire within the hour', async () => {
    const { creds, service, input } = await fixture();
    const registered = await service.register(input, { confirmPassphraseLocation: acceptLocation });
    const soon = await issueTestCredentials(vault, creds.identity.name, 0.5);
    // Same vault, same day: the same portal file name, so in a folder of its own.
    const plan = await service.plan({ ...input, credentialsFile: await writeCredentials(await fs.mkdtemp(path.join(root, 'soon-')), soon.file) });
    assert.equal(plan.registrationId, registered.registrationId);
    assert.equal(plan.machineId, registered.machineId);
    assert.ok(plan.changes.some((c) => c.kind === 'registerAgain'));
    assert.ok(!plan.changes.some((c) => c.path?.endsWith('machine.key')), 'the key is kept');
    const codes = plan.warnings.map((w) => w.code);
    assert.ok(codes.includes('AlreadyRegistered') && codes.includes('CredentialsExpireSoon'), codes.join());
    assert.ok(Number(plan.warnings.find((w) => w.code === 'CredentialsExpireSoon')?.params.minutesLeft) <= 30);
  });

  it('registers end to end, and a re-run keeps the same registration id', async () => {
    const { creds, service, input, layout } = await fixture();
    const stages: string[] = [];
    const result = await service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress: (s) => stages.push(s) });
    assert.deepEqual([...new Set(stages)], [...REGISTER_STAGES]);
    assert.equal(result.created, true);
    assert.equal(result.vault.vaultName, creds.identity.name);

    const config = await readAgentConfig(target, layout);
    assert.ok(config?.registration && config.passphrase);
    assert.equal(config.registration.id, result.registrationId);
    assert.equal(config.machineId, result.machineId);
    assert.equal((await fs.readFile(layout.machineIdFile, 'utf8')).trim(), result.machineId);
    assert.equal(await verifyPassphrase(config.passphrase.verifier, TEST_PASSPHRASE), true);
    assert.equal(config.proxy.passwordFile, null);
    assert.equal(await mode(layout.machineKeyFile), 0o600);
    assert.equal(await mode(input.passphraseFile!), 0o600);
    assert.equal((await readPassphraseFile(input.passphraseFile!)).passphrase, TEST_PASSPHRASE);
    assert.match(new X509Certificate(await fs.readFile(layout.machineCertFile)).subject, new RegExp(`CN=${result.machineId}`));
    assert.ok(await fs.stat(path.join(layout.agentDir, 'main.js')));
    const [remote] = await vault.admin.listRegistrations(creds.identity.name);
    assert.equal(remote?.status, 'registered');
    assert.equal(remote?.registrationId, result.registrationId);

    const key = await fs.readFile(layout.machineKeyFile, 'utf8');
    const again = await service.register(input, { confirmPassphraseLocation: acceptLocation });
    assert.equal(again.registrationId, result.registrationId);
    assert.equal(again.machineId, result.machineId);
    assert.equal(again.created, false);
    assert.ok(again.warnings.some((w) => w.code === 'AlreadyRegistered' && w.params.keepsRegistrationId === true));
    assert.equal(await fs.readFile(layout.machineKeyFile, 'utf8'), key, 'the machine key is kept');
    assert.equal((await vault.admin.listRegistrations(creds.identity.name)).length, 1);

    const status = await service.status({ installFolder: input.installFolder });
    assert.deepEqual(status.state, { kind: 'registered', vaultName: creds.identity.name, serverName: result.serverName });
    assert.ok(status.remote?.ok && status.remote.registration.status === 'registered', inspect(status.remote));
  });

  it('refuses up front to register a server recorded with another vault (100110), and a changed passphrase', async () => {
    const first = await fixture();
    await first.service.register(first.input, { confirmPassphraseLocation: acceptLocation });
    const other = await createVaultWithCredentials(vault);
    const otherFile = await writeCredentials(await tempDir('service-other-'), other.file);
    const input = { ...first.input, credentialsFile: otherFile };
    const planned = await rejects(first.service.plan(input), '100110');
    assert.equal(planned.params.vault, first.creds.identity.name);
    assert.equal(planned.params.action, 'useCredentialsOfRegisteredVault');
    const stages: string[] = [];
    await rejects(first.service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress: (s) => stages.push(s) }), '100110');
    assert.deepEqual(stages, ['validateCredentials']);
    assert.deepEqual(await vault.admin.listRegistrations(other.identity.name), []);
    await fs.rm(path.dirname(otherFile), { recursive: true });

    const changed = { ...first.input, passphrase: { value: new Secret('a-different-passphrase-0123456789') }, passphraseFile: undefined };
    const mismatch = await rejects(first.service.register(changed), 'PassphraseMismatch');
    assert.equal(mismatch.params.action, 'changePassphraseWithSecurityPin');
  });

  it('installs the agent on its own (prerequisites first), and keeps an installed one of the same version', async () => {
    const { service, input, layout } = await fixture();
    const prerequisites = await checkPrerequisites(target);
    assert.equal(prerequisites.ok, true, inspect(prerequisites));
    const stages: string[] = [];
    const where = { credentialsFile: input.credentialsFile, proxy: input.proxy };
    const first = await service.install(where, { installFolder: input.installFolder, onProgress: (s) => stages.push(s) });
    assert.equal(first.installed, true);
    assert.deepEqual([...new Set(stages)], ['checkPrerequisites', 'installAgent']);
    assert.equal(JSON.parse(await fs.readFile(path.join(layout.agentDir, 'package.json'), 'utf8')).version, first.version);
    const second = await service.install({ endpoint: vault.url, proxy: input.proxy }, { installFolder: input.installFolder });
    assert.deepEqual(second, { ...first, installed: false });
  });

  it('stops when the passphrase location is not confirmed, before changing anything', async () => {
    const { service, input } = await fixture();
    const before = await filesUnder(root);
    const err = await rejects(service.register(input), 'PassphraseLocationNotConfirmed');
    assert.equal(err.params.warnings, 'PassphraseFileOnProtectedServer');
    await rejects(service.register(input, { confirmPassphraseLocation: async () => false }), 'PassphraseLocationNotConfirmed');
    assert.deepEqual(await filesUnder(root), before);
  });

  for (const at of ['installAgent', 'machineIdentity', 'writeCertificates', 'writeConfiguration'] as const) {
    it(`cancelled at ${at} leaves no configuration, and the re-run registers the same machine`, async () => {
      const { creds, service, input, layout } = await fixture();
      const controller = new AbortController();
      const err = await service
        .register(input, { confirmPassphraseLocation: acceptLocation, signal: controller.signal, onProgress: (s) => s === at && controller.abort() })
        .then(() => assert.fail('should be cancelled'), (e: unknown) => e);
      assert.ok(err instanceof CancelledError, inspect(err));
      // Stages on this side stop before they start. The agent's own stages are announced as the
      // agent runs them on the server: cancelling kills it there, at whatever point it has reached.
      if (at === 'installAgent') assert.equal(await readAgentConfig(target, layout), undefined);
      const result = await service.register(input, { confirmPassphraseLocation: acceptLocation });
      const registrations = await vault.admin.listRegistrations(creds.identity.name);
      assert.deepEqual(registrations.map((r) => r.registrationId), [result.registrationId]);
    });
  }

  describe('after registering', () => {
    let squid: Squid | undefined;
    before(async function () {
      if (squidUnavailableReason()) return;
      squid = await startSquid({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    });
    after(async () => {
      await squid?.stop();
    });

    it('changes the proxy: checked through it first, password in its own 0600 file, removed again with the proxy', async function () {
      if (!squid) {
        console.warn(`    skipping the proxy change: ${squidUnavailableReason()}`);
        this.skip();
      }
      const { service, input, layout } = await fixture();
      await service.register(input, { confirmPassphraseLocation: acceptLocation });
      const installFolder = input.installFolder;

      const wrong = parseProxySettings({ mode: 'settings', host: '127.0.0.1', port: squid.port, user: PROXY_USER, password: 'wrong' });
      await rejects(service.change({ proxy: wrong }, { installFolder }), 'ProxyAuthRequired');
      assert.equal((await readAgentConfig(target, layout))?.proxy.mode, 'off', 'a refused proxy is not stored');

      const proxy = parseProxySettings({ mode: 'settings', host: '127.0.0.1', port: squid.port, user: PROXY_USER, password: PROXY_PASSWORD });
      const stages: string[] = [];
      const changed = await service.change({ proxy }, { installFolder, onProgress: (s) => stages.push(s) });
      assert.deepEqual(changed.changed, ['proxy']);
      assert.deepEqual(stages, ['checkConnectivity', 'writeConfiguration']);
      const config = await readAgentConfig(target, layout);
      assert.deepEqual(config?.proxy, { mode: 'explicit', host: '127.0.0.1', port: squid.port, user: PROXY_USER, noProxy: [], passwordFile: layout.proxyPasswordFile });
      assert.equal(await fs.readFile(layout.proxyPasswordFile, 'utf8'), PROXY_PASSWORD);
      assert.equal(await mode(layout.proxyPasswordFile), 0o600);
      // status now goes through the stored proxy and its password file
      const status = await service.status({ installFolder });
      assert.equal(status.state.kind, 'registered', inspect(status.remote));

      await service.change({ proxy: parseProxySettings({ mode: 'off' }) }, { installFolder });
      await assert.rejects(fs.stat(layout.proxyPasswordFile), { code: 'ENOENT' });
    });

    it('changes the cache folder after checking it', async () => {
      const { service, input } = await fixture();
      await service.register(input, { confirmPassphraseLocation: acceptLocation });
      const folder = path.join(root, 'new-cache');
      const changed = await service.change({ cacheFolder: folder, dataSizeBytes: 1024 }, { installFolder: input.installFolder });
      assert.equal(changed.config.cacheFolder, folder);
      assert.ok((await fs.stat(folder)).isDirectory());
      await rejects(service.change({ cacheFolder: 'relative/cache' }, { installFolder: input.installFolder }), 'CacheFolderNotAbsolute');
    });

    it('changes the passphrase with a security PIN: valid, then reused, expired and malformed PINs are refused', async () => {
      const { creds, service, input, layout } = await fixture();
      const registered = await service.register(input, { confirmPassphraseLocation: acceptLocation });
      const installFolder = input.installFolder;
      const newValue = new Secret('n3w-passphrase-for-the-agent-0001');
      const newFile = path.join(root, 'admin', 'new-passphrase.txt');
      const pin = new Secret((await vault.admin.issueSecurityPin(creds.identity.name)).pin);

      const changed = await service.change({ passphrase: { newValue, securityPin: pin, passphraseFile: newFile } }, { installFolder, confirmPassphraseLocation: acceptLocation });
      assert.deepEqual(changed.changed, ['passphrase']);
      const config = await readAgentConfig(target, layout);
      assert.equal(await verifyPassphrase(config!.passphrase!.verifier, newValue.reveal()), true);
      assert.equal((await readPassphraseFile(newFile)).passphrase, newValue.reveal());
      const [remote] = await vault.admin.listRegistrations(creds.identity.name);
      assert.ok(remote?.lastPassphraseChangeAt);
      assert.equal(remote.registrationId, registered.registrationId);

      const third = { newValue: new Secret('third-passphrase-for-the-agent-02') };
      const reused = await rejects(service.change({ passphrase: { ...third, securityPin: pin } }, { installFolder }), 'SecurityPinAlreadyUsed');
      assert.equal(reused.params.action, 'generateNewSecurityPin');
      const late = await vault.admin.issueSecurityPin(creds.identity.name);
      vault.clock.advance(6 * 60_000);
      try {
        await rejects(service.change({ passphrase: { ...third, securityPin: new Secret(late.pin) } }, { installFolder }), 'SecurityPinExpired');
      } finally {
        vault.clock.advance(-6 * 60_000);
      }
      await rejects(service.change({ passphrase: { ...third, securityPin: new Secret('12ab') } }, { installFolder }), 'SecurityPinInvalid');
      const after = await readAgentConfig(target, layout);
      assert.deepEqual(after?.passphrase, config?.passphrase, 'refused changes leave the verifier alone');
    });

    it('changes the passphrase with a PIN the vault makes through the backend when none is typed, and says where to get one when the backend cannot', async () => {
      const { creds, service, input, layout } = await fixture();
      await service.register(input, { confirmPassphraseLocation: acceptLocation });
      const installFolder = input.installFolder;
      const newValue = new Secret('pin-from-the-vault-passphrase-003');
      const refused = await rejects(service.change({ passphrase: { newValue } }, { installFolder }), 'SecurityPinIssuerUnavailable');
      assert.equal(refused.params.action, 'generateNewSecurityPin');
      assert.equal(refused.params.vault, creds.identity.name);

      const issuing = serviceFor(root, vault, { vaultBackend: (host) => new LocalVaultBackend({ ...host, issuer: adminIssuer(vault.admin) }) }).service;
      assert.deepEqual((await issuing.change({ passphrase: { newValue } }, { installFolder })).changed, ['passphrase']);
      const config = await readAgentConfig(target, layout);
      assert.equal(await verifyPassphrase(config!.passphrase!.verifier, newValue.reveal()), true);
      const [remote] = await vault.admin.listRegistrations(creds.identity.name);
      assert.ok(remote?.lastPassphraseChangeAt, 'the vault recorded the change');
    });

    it('unregisters (keeping the machine id), idempotently, and registering again brings back the same registration', async () => {
      const { creds, service, input, layout } = await fixture();
      const registered = await service.register(input, { confirmPassphraseLocation: acceptLocation });
      const installFolder = input.installFolder;
      const stages: string[] = [];
      const result = await service.unregister({ installFolder, onProgress: (s) => stages.push(s) });
      assert.deepEqual(stages, [...UNREGISTER_STAGES]);
      assert.equal(result.remote?.status, 'unregistered');
      const config = await readAgentConfig(target, layout);
      assert.equal(config?.registration, null);
      assert.equal(config?.machineId, registered.machineId);
      await assert.rejects(fs.stat(layout.machineKeyFile), { code: 'ENOENT' });
      await assert.rejects(fs.stat(layout.machineCertFile), { code: 'ENOENT' });
      assert.equal((await service.status({ installFolder })).state.kind, 'notSetUp');
      assert.deepEqual(await service.unregister({ installFolder }), { alreadyUnregistered: true });

      const again = await service.register(input, { confirmPassphraseLocation: acceptLocation });
      assert.equal(again.registrationId, registered.registrationId);
      assert.equal((await vault.admin.listRegistrations(creds.identity.name))[0]?.status, 'registered');
    });

    it('shows a registration the vault revoked as revoked, and as recorded when the vault is not asked', async () => {
      const { creds, service, input } = await fixture();
      const registered = await service.register(input, { confirmPassphraseLocation: acceptLocation });
      await vault.admin.revokeRegistration(registered.registrationId);
      const status = await service.status({ installFolder: input.installFolder });
      assert.equal(status.state.kind, 'revoked');

      const recorded = await service.status({ installFolder: input.installFolder, askVault: false });
      assert.deepEqual(recorded.state, { kind: 'registered', vaultName: creds.identity.name, serverName: registered.serverName });
      assert.equal(recorded.config?.registration?.id, registered.registrationId);
      assert.equal(recorded.remote, undefined);
    });
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError, SetupError } from '../../../src/core/errors';
import { FLEET_MACHINE_LIMIT, startFleet, type FleetInput, type FleetOptions, type FleetServer, type PassphrasePolicy } from '../../../src/core/fleet';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { Secret } from '../../../src/core/secret';
import { SetupService } from '../../../src/core/service';
import { LocalTarget } from '../../../src/core/target/local';
import { captureLogger, tempDir, TEST_PASSPHRASE, writeCredentials } from '../../support/service';
import { issueCredentials } from '../../../src/vault/issuer';
import { createVaultWithCredentials, startTestVault, type TestVault } from '../../support/vault';

/** Destinations nobody listens on: a refused fleet must not even try them. */
function server(i: number, overrides: Partial<FleetServer> = {}): FleetServer {
  return { key: `srv${i}`, destination: { name: `srv${i}`, host: '127.0.0.1', port: 1, user: 'root', identityFiles: [], jumps: [] }, ...overrides };
}

describe('fleet: refusals before any server is contacted, and failures it reports', function () {
  this.timeout(30_000);
  let vault: TestVault;
  let root: string;
  let credentialsFile: string;

  before(async () => {
    vault = await startTestVault();
  });
  after(async () => {
    await vault?.close();
  });
  beforeEach(async () => {
    root = await tempDir('fleet-refusals-');
    credentialsFile = await writeCredentials(root, (await createVaultWithCredentials(vault)).file);
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** Runs a fleet that must be refused with `code`; nothing may be opened and no row may change. */
  async function refused(code: ErrorCode, input: Partial<FleetInput>, options: Partial<FleetOptions> = {}): Promise<SetupError> {
    const touched: string[] = [];
    const run = startFleet(
      { servers: [server(0)], credentialsFile, proxy: parseProxySettings({ mode: 'off' }), passphrase: { kind: 'shared', value: new Secret(TEST_PASSPHRASE) }, ...input },
      {
        openTarget: async (s) => {
          touched.push(`open ${s.key}`);
          throw new Error('must not connect');
        },
        createService: () => {
          throw new Error('must not build a service');
        },
        onUpdate: (row) => void touched.push(`update ${row.key}`),
        logger: captureLogger(),
        ...options,
      },
    );
    const err = await run.report.then(
      () => assert.fail(`expected ${code}`),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
    assert.deepEqual(touched, []);
    assert.ok(run.rows.every((r) => r.state === 'queued'));
    return err;
  }

  /** Runs a fleet that must get past every refusal: each server is opened (and fails to connect). */
  async function reachesServers(input: Partial<FleetInput>): Promise<string[]> {
    const opened: string[] = [];
    const servers = input.servers ?? [server(0)];
    const report = await startFleet(
      { servers, credentialsFile, proxy: parseProxySettings({ mode: 'off' }), passphrase: { kind: 'shared', value: new Secret(TEST_PASSPHRASE) }, ...input },
      {
        openTarget: async (s) => {
          opened.push(s.key);
          throw new SetupError('SshConnectFailed', 'Cannot connect.', { host: '127.0.0.1', port: 1 });
        },
        createService: () => assert.fail('no target was opened'),
        logger: captureLogger(),
      },
    ).report;
    assert.ok(report.rows.every((r) => r.reason?.code === 'SshConnectFailed'), inspect(report.rows));
    // The report names the file's backend and agent, as the single-server plan does.
    assert.deepEqual([report.backend, report.agent], ['local', 'reference']);
    return opened;
  }

  it(`refuses more than ${FLEET_MACHINE_LIMIT} servers up front`, async () => {
    const err = await refused('FleetTooLarge', { servers: Array.from({ length: FLEET_MACHINE_LIMIT + 1 }, (_, i) => server(i)) });
    assert.deepEqual(err.params, { count: 51, limit: 50 });
  });

  it('refuses an empty fleet and a server listed twice', async () => {
    await refused('FleetEmpty', { servers: [] });
    const err = await refused('FleetDuplicateServer', { servers: [server(0), server(1), server(0)] });
    assert.equal(err.params.key, 'srv0');
  });

  it('takes a whole number of servers at once, from 1 to 64', async () => {
    for (const concurrency of [0, 65, 2.5, -1, Number.NaN]) await refused('FleetInvalidConcurrency', { concurrency });
    for (const concurrency of [1, 64]) assert.deepEqual(await reachesServers({ servers: [server(0), server(1)], concurrency }), ['srv0', 'srv1']);
  });

  it('refuses a credentials file as the single-server setup does', async () => {
    const bad = path.join(root, 'broken.VaultCredentials');
    await fs.writeFile(bad, '<RSBackupVaultAADCreds>');
    const single = await new SetupService({ target: new LocalTarget(), logger: captureLogger(), downloadCacheDir: root }).inspectCredentials(bad).then(
      () => assert.fail('the single-server setup accepts it'),
      (e: SetupError) => e,
    );
    const err = await refused(single.code, { credentialsFile: bad });
    assert.deepEqual(err.params, single.params);
    const xml = path.join(root, 'creds.xml');
    await fs.copyFile(credentialsFile, xml);
    await refused('VaultCredentialBadExtension', { credentialsFile: xml });
  });

  it('refuses a file for a vault service it does not know, as the single-server setup does', async () => {
    const { identity } = await createVaultWithCredentials(vault);
    const issued = await issueCredentials({ vault: identity, endpoint: vault.url, agentLinks: [] });
    const unknown = await writeCredentials(root, issued);
    const err = await refused('VaultBackendUnknown', { credentialsFile: unknown });
    assert.equal(err.params.action, 'selectCredentials');
  });

  it('refuses a shared passphrase the agent would refuse', async () => {
    await refused('PassphraseInvalid', { passphrase: { kind: 'shared', value: new Secret('short') } });
  });

  it('per-server passphrases: the folder is created (0700) before any server is contacted, unless a file is in the way; a distinct file per server', async () => {
    const folder = path.join(root, 'new', 'passphrases');
    assert.deepEqual(await reachesServers({ passphrase: { kind: 'perServer', folder } }), ['srv0']);
    const stat = await fs.stat(folder);
    assert.ok(stat.isDirectory());
    assert.equal(stat.mode & 0o777, 0o700);
    await fs.writeFile(path.join(root, 'a-file'), '');
    const inTheWay: PassphrasePolicy = { kind: 'perServer', folder: path.join(root, 'a-file') };
    assert.equal((await refused('FleetPassphraseFolderMissing', { passphrase: inTheWay })).params.folder, inTheWay.folder);
    const clash = [server(0, { serverName: 'web/1' }), server(1, { serverName: 'web_1' })];
    const err = await refused('FleetPassphraseFileClash', { servers: clash, passphrase: { kind: 'perServer', folder: root } });
    assert.equal(err.params.servers, 'srv0,srv1');
  });

  it('asks once about a passphrase file location worth a second thought, and writes nothing when not confirmed', async () => {
    await fs.mkdir(path.join(root, '.git'));
    const file = path.join(root, 'fleet.passphrase.txt');
    const asked: string[][] = [];
    await refused(
      'PassphraseLocationNotConfirmed',
      { passphrase: { kind: 'shared', value: new Secret(TEST_PASSPHRASE), file } },
      {
        confirmPassphraseLocation: async (warnings) => {
          asked.push(warnings.map((w) => w.code));
          return false;
        },
      },
    );
    assert.deepEqual(asked, [['PassphraseFileInGitWorkTree']]);
    await assert.rejects(fs.stat(file), { code: 'ENOENT' });
    const folder = path.join(root, 'passphrases');
    await refused('PassphraseLocationNotConfirmed', { servers: [server(0), server(1)], passphrase: { kind: 'perServer', folder } });
    await assert.rejects(fs.stat(folder), { code: 'ENOENT' }, 'the folder is created only once its location is confirmed');
  });

  it('reports an unexpected failure generically, its details in the log only, and survives a view that throws', async () => {
    const logger = captureLogger();
    const run = startFleet(
      { servers: [server(0), server(1)], credentialsFile, proxy: parseProxySettings({ mode: 'off' }), passphrase: { kind: 'shared', value: new Secret(TEST_PASSPHRASE) } },
      {
        openTarget: async (s) => {
          if (s.key === 'srv0') throw new TypeError('details for the log');
          throw new SetupError('SshConnectFailed', 'Cannot connect.', { host: '127.0.0.1', port: 1 });
        },
        createService: () => assert.fail('no target was opened'),
        onUpdate: () => {
          throw new Error('a broken view');
        },
        logger,
      },
    );
    const report = await run.report;
    assert.deepEqual(report.counts, { registered: 0, skipped: 0, failed: 2, cancelled: 0 });
    const [unexpected, refused] = report.rows;
    assert.equal(unexpected!.reason!.code, 'Unexpected');
    assert.doesNotMatch(JSON.stringify(unexpected), /details for the log/);
    assert.deepEqual(refused!.reason, { code: 'SshConnectFailed', message: 'Cannot connect.', params: { host: '127.0.0.1', port: 1, action: 'checkServerReachable' } });
    assert.ok(logger.lines.some((l) => l.includes('TypeError: details for the log')), inspect(logger.lines));
    assert.ok(logger.lines.some((l) => l.includes('a broken view')));
  });
});


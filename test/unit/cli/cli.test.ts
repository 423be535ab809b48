/**
 * The CLI as users run it: a real process over the real vault. Each command in text and --json,
 * the exit codes, and secrets refused as arguments.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { readAgentConfig } from '../../../src/core/config/agentConfig';
import { agentLayout } from '../../../src/core/config/layout';
import { readPassphraseFile } from '../../../src/core/passphrase/file';
import { LocalTarget } from '../../../src/core/target/local';
import { filesUnder } from '../../support/files';
import { runCli, startServiceVault, tempDir, TEST_PASSPHRASE, writeCredentials, type CliRun } from '../../support/service';
import { generateKeyPair, sshdUnavailableReason, startSshd, type TestSshd } from '../../support/sshd';
import { createVaultWithCredentials, REPO_ROOT, type TestVault } from '../../support/vault';
import { CLI_COMMANDS, cliOutputProblems } from '../../support/cliSchema';

/** The commands whose successful --json output matched docs/cli-output.schema.json in this run. */
const conforming = new Set<string>();

function assertJsonOutcome(run: CliRun, exitCode: number, ok: boolean): void {
  assert.equal(run.code, exitCode, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.equal(run.stdout.trim().split('\n').length, 1, 'exactly one line of JSON on stdout');
  assert.equal(run.json?.ok, ok, run.stdout);
  assert.deepEqual(cliOutputProblems(run.json), [], `docs/cli-output.schema.json: ${run.stdout}`);
  if (ok) conforming.add(run.json.command);
}

describe('CLI', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let root: string;
  let caFile: string;
  let env: Record<string, string>;

  before(async () => {
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
  });
  beforeEach(async () => {
    root = await tempDir('cli-');
    caFile = path.join(root, 'vault-ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
    env = { XDG_CACHE_HOME: path.join(root, 'cache') };
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function credentialsFile(): Promise<{ file: string; vaultName: string }> {
    const creds = await createVaultWithCredentials(vault);
    return { file: await writeCredentials(root, creds.file), vaultName: creds.identity.name };
  }

  it('prints its help, and refuses an unknown command with exit code 2', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /register --credentials FILE/);
    const unknown = await runCli(['frobnicate', '--json'], { env });
    assertJsonOutcome(unknown, 2, false);
    assert.equal(unknown.json.error.code, 'CliUsage');
  });

  it('refuses secrets given as arguments, without repeating them', async () => {
    for (const args of [
      ['register', '--credentials', 'x.VaultCredentials', '--passphrase', 'argv-passphrase-0123456789'],
      ['register', '--credentials', 'x.VaultCredentials', '--proxy-password=argv-proxy-secret'],
      ['check-connectivity', '--endpoint', 'https://127.0.0.1:9', '--password', 'argv-proxy-secret'],
    ]) {
      const run = await runCli([...args, '--json'], { env });
      assertJsonOutcome(run, 2, false);
      assert.equal(run.json.error.code, 'SecretInArguments');
      assert.match(run.json.error.message, /BACKUP_(PASSPHRASE|PROXY_PASSWORD)/);
      assert.ok(!run.stdout.includes('argv-passphrase') && !run.stdout.includes('argv-proxy-secret'));
      const text = await runCli(args, { env });
      assert.equal(text.code, 2);
      assert.match(text.stderr, /^Error \[SecretInArguments\]/);
    }
  });

  it('generates a passphrase by the agent rules', async () => {
    const run = await runCli(['passphrase', 'generate', '--json'], { env });
    assertJsonOutcome(run, 0, true);
    assert.match(run.json.result.passphrase, /^[!-~]{32}$/);
    const short = await runCli(['passphrase', 'generate', '--length', '8', '--json'], { env });
    assertJsonOutcome(short, 1, false);
    assert.equal(short.json.error.code, 'PassphraseTooShort');
  });

  it('inspects a credentials file', async () => {
    const { file, vaultName } = await credentialsFile();
    const run = await runCli(['inspect', file, '--json'], { env });
    assertJsonOutcome(run, 0, true);
    assert.equal(run.json.result.vaultName, vaultName);
    assert.equal(run.json.result.endpoint, vault.url);
    assert.deepEqual(Object.keys(run.json.result.clientCertificate), ['fingerprint256'], 'no key material');
    const text = await runCli(['inspect', file], { env });
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`Vault: +${vaultName}`));
    // A Resource Manager endpoint that is no URL is refused, not passed over.
    const badArm = await runCli(['inspect', file, '--arm-endpoint', 'notaurl', '--json'], { env });
    assertJsonOutcome(badArm, 1, false);
    assert.equal(badArm.json.error.code, 'AzureEndpointInvalid');
  });

  it('checks a cache folder against a size or against data folders', async () => {
    const data = path.join(root, 'data');
    await fs.mkdir(data);
    await fs.writeFile(path.join(data, 'file.bin'), Buffer.alloc(4000));
    const bySize = await runCli(['check-cache', path.join(root, 'cache-a'), '--data-size', '1000000', '--json'], { env });
    assertJsonOutcome(bySize, 0, true);
    assert.equal(bySize.json.result.requiredBytes, 50_000);
    const withUnit = await runCli(['check-cache', path.join(root, 'cache-a'), '--data-size', '2MB', '--json'], { env });
    assertJsonOutcome(withUnit, 0, true);
    assert.equal(withUnit.json.result.requiredBytes, Math.ceil(0.05 * 2 * 1024 ** 2), 'binary units, as df -h');
    const both = await runCli(['check-cache', path.join(root, 'cache-a'), '--data-size', data, '2MB']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either a size .* or folders, not both \(2MB\)/);
    const byFolders = await runCli(['check-cache', path.join(root, 'cache-b'), '--data-size', data, '--json'], { env });
    assertJsonOutcome(byFolders, 0, true);
    assert.equal(byFolders.json.result.requiredBytes, 200);
    const relative = await runCli(['check-cache', 'relative/cache', '--data-size', '10', '--json'], { env });
    assertJsonOutcome(relative, 1, false);
    assert.equal(relative.json.error.code, 'CacheFolderNotAbsolute');
    assert.equal(relative.json.result.ok, false);
    // A mistyped data folder (or a size with a unit, taken for a folder) is refused, not measured as empty.
    const missing = await runCli(['check-cache', path.join(root, 'cache-c'), '--data-size', path.join(root, 'no-such-data')], { env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error \[DataFolderUnreadable\]: The data folder .*no-such-data cannot be read/);
    assert.match(missing.stderr, /it does not exist \(ENOENT\)/);
    assert.match(missing.stderr, /Next step: Check the paths of the data folders/);
    await assert.rejects(fs.stat(path.join(root, 'cache-c')), 'no cache folder made for a refused check');
  });

  it('refuses an --endpoint that is not an https URL with its own code, contacting nothing', async () => {
    for (const endpoint of ['notaurl', 'http://127.0.0.1:9', 'https://']) {
      const run = await runCli(['check-connectivity', '--endpoint', endpoint, '--json'], { env });
      assertJsonOutcome(run, 1, false);
      assert.equal(run.json.error.code, 'VaultEndpointInvalid', endpoint);
      assert.equal(run.json.error.params.endpoint, endpoint);
    }
    const text = await runCli(['check-connectivity', '--endpoint', 'notaurl'], { env });
    assert.match(text.stderr, /^Error \[VaultEndpointInvalid\]: "notaurl" is not a vault endpoint: give an https URL/);
    assert.match(text.stderr, /Next step: /);
  });

  it('checks connectivity: the vault CA from --ca or BACKUP_VAULT_CA, untrusted without it', async () => {
    const { file } = await credentialsFile();
    const withCa = await runCli(['check-connectivity', '--credentials', file, '--ca', caFile, '--json'], { env });
    assertJsonOutcome(withCa, 0, true);
    assert.deepEqual(
      withCa.json.result.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`),
      ['dns:ok', 'tcp:ok', 'proxyConnect:skipped', 'tls:ok', 'health:ok'],
    );
    const fromEnv = await runCli(['check-connectivity', '--endpoint', vault.url], { env: { ...env, BACKUP_VAULT_CA: caFile } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /health +VaultHealthy/);
    const untrusted = await runCli(['check-connectivity', '--endpoint', vault.url, '--json'], { env });
    assertJsonOutcome(untrusted, 1, false);
    assert.equal(untrusted.json.error.code, 'TlsUntrustedCertificate');
    assert.equal(untrusted.json.error.params.action, 'trustVaultCertificate');
  });

  it('registers, shows the status and unregisters; --dry-run and a missing confirmation change nothing', async () => {
    const { file, vaultName } = await credentialsFile();
    const installFolder = path.join(root, 'install');
    const passphraseFile = path.join(root, 'admin', 'passphrase.txt');
    const base = ['register', '--credentials', file, '--install-folder', installFolder, '--data-size', '1000', '--passphrase-file', passphraseFile, '--ca', caFile];
    const secretEnv = { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE };

    const missing = await runCli([...base, '--json'], { env });
    assertJsonOutcome(missing, 2, false);
    assert.equal(missing.json.error.code, 'PassphraseRequired');

    const before = await filesUnder(root);
    const dryRun = await runCli([...base, '--dry-run', '--json'], { env: secretEnv });
    assertJsonOutcome(dryRun, 0, true);
    assert.ok(dryRun.json.result.changes.some((c: { kind: string }) => c.kind === 'register'));
    const unconfirmed = await runCli([...base, '--json'], { env: secretEnv });
    assertJsonOutcome(unconfirmed, 1, false);
    assert.equal(unconfirmed.json.error.code, 'PassphraseLocationNotConfirmed');
    assert.match(unconfirmed.stderr, /--accept-passphrase-location/);
    assert.deepEqual(await filesUnder(root), before);
    assert.deepEqual(await vault.admin.listRegistrations(vaultName), [], 'nothing registered at the vault');

    const registered = await runCli([...base, '--accept-passphrase-location', '--json'], { env: secretEnv });
    assertJsonOutcome(registered, 0, true);
    const { registrationId } = registered.json.result;
    const config = await readAgentConfig(new LocalTarget(), agentLayout(new LocalTarget(), installFolder));
    assert.equal(config?.registration?.id, registrationId);
    assert.equal((await readPassphraseFile(passphraseFile)).passphrase, TEST_PASSPHRASE);

    // The passphrase from stdin instead, and text output; the re-run keeps the registration.
    const again = await runCli([...base, '--accept-passphrase-location', '--passphrase-stdin'], { env, stdin: `${TEST_PASSPHRASE}\n` });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`Registered again .* with vault ${vaultName}\\.\\n  Registration: +${registrationId}`));

    // status and unregister need no --ca: they trust the CA the vault returned at registration.
    const status = await runCli(['status', '--install-folder', installFolder, '--json'], { env });
    assertJsonOutcome(status, 0, true);
    assert.equal(status.json.result.state.kind, 'registered');
    assert.equal(status.json.result.remote.registration.status, 'registered');
    // The passphrase only as the date it was set: its verifier (a salted hash) invites guessing.
    assert.deepEqual(Object.keys(status.json.result.config.passphrase), ['setAt']);
    const unregistered = await runCli(['unregister', '--install-folder', installFolder], { env });
    assert.equal(unregistered.code, 0, unregistered.stderr);
    assert.match(unregistered.stdout, new RegExp(`Unregistered: registration ${registrationId} is unregistered\\.`));
    const twice = await runCli(['unregister', '--install-folder', installFolder, '--json'], { env });
    assertJsonOutcome(twice, 0, true);
    assert.equal(twice.json.result.alreadyUnregistered, true);
    const after = await runCli(['status', '--install-folder', installFolder], { env });
    assert.match(after.stdout, /^State: notSetUp/);
  });

  describe('azure (against the ARM emulator of the local vault)', () => {
    const subscription = randomUUID();
    const resourceGroup = 'rg-cli';
    let vaultName: string;
    let token: string;
    let azure: (command: 'credentials' | 'servers', extra?: string[]) => string[];

    before(async () => {
      vaultName = `v${randomUUID().slice(0, 8)}`;
      await vault.admin.createVault({ name: vaultName, subscriptionId: subscription, resourceGroup, location: 'westeurope' });
      token = (await fs.readFile(path.join(vault.dataDir, 'arm-token'), 'utf8')).trim();
    });
    beforeEach(() => {
      azure = (command, extra = []) => ['azure', command, '--subscription', subscription, '--resource-group', resourceGroup, '--vault', vaultName, '--arm-endpoint', vault.url, '--ca', caFile, ...extra];
    });

    it('writes a fresh credentials file (0600, never over another), which inspect accepts and register uses with the reference agent, and lists the server', async () => {
      const out = path.join(root, 'azure-out');
      const made = await runCli([...azure('credentials', ['--out', out, '--token-stdin']), '--json'], { env, stdin: `${token}\n`, watchProcesses: true });
      assertJsonOutcome(made, 0, true);
      const { file } = made.json.result;
      assert.equal(path.dirname(file), out);
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      assert.equal((await fs.stat(out)).mode & 0o777, 0o700);
      for (const text of [made.stdout, made.stderr, ...made.commandLines]) assert.ok(!text.includes(token), 'the token appears nowhere');

      // Inspected as the local vault's with the same --arm-endpoint; nobody's without it.
      const inspected = await runCli(['inspect', file, '--arm-endpoint', vault.url, '--json'], { env });
      assertJsonOutcome(inspected, 0, true);
      assert.equal(inspected.json.result.vaultName, vaultName);
      const unknown = await runCli(['inspect', file, '--json'], { env });
      assertJsonOutcome(unknown, 1, false);
      assert.equal(unknown.json.error.code, 'VaultBackendUnknown');

      // Never over an existing file (the same name the same day), and refused before the upload:
      // the file already there keeps working (it registers below).
      const puts = () => vault.logs.filter((l) => l.startsWith('PUT /subscriptions/')).length;
      const putsBefore = puts();
      assert.ok(putsBefore > 0, 'the first run uploaded its certificate');
      const again = await runCli([...azure('credentials', ['--out', out, '--token-stdin']), '--json'], { env, stdin: `${token}\n` });
      assertJsonOutcome(again, 1, false);
      assert.equal(again.json.error.code, 'CredentialsFileExists');
      assert.equal(again.json.error.params.action, 'chooseOutputFolder');
      assert.equal(puts(), putsBefore, 'no certificate uploaded');
      assert.ok((await fs.readFile(file, 'utf8')).includes('<ManagementCert>'), 'the first file is untouched');

      const installFolder = path.join(root, 'install-azure');
      const registered = await runCli(
        ['register', '--credentials', file, '--arm-endpoint', vault.url, '--ca', caFile, '--install-folder', installFolder, '--data-size', '1000', '--passphrase-file', path.join(root, 'admin', 'azure-passphrase.txt'), '--accept-passphrase-location', '--server-name', 'cli-azure-srv', '--json'],
        { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } },
      );
      assertJsonOutcome(registered, 0, true);
      assert.equal(registered.json.result.vault.vaultName, vaultName);

      const servers = await runCli([...azure('servers', ['--token-stdin']), '--json'], { env, stdin: `${token}\n` });
      assertJsonOutcome(servers, 0, true);
      assert.deepEqual(servers.json.result.servers.map((s: { name: string }) => s.name), ['cli-azure-srv']);
      const text = await runCli(azure('servers', ['--token-stdin']), { env, stdin: `${token}\n` });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`Vault ${vaultName} \\(resource group ${resourceGroup}\\): 1 registered server\\n  cli-azure-srv  Registered, Healthy`));
      const unregistered = await runCli(['unregister', '--install-folder', installFolder], { env });
      assert.equal(unregistered.code, 0, unregistered.stderr);
    });

    it('refuses a wrong token (401), an unknown vault (404), a token argument, and the emulator without --token-stdin', async () => {
      const wrong = await runCli([...azure('servers', ['--token-stdin']), '--json'], { env, stdin: 'wrong-token-value\n' });
      assertJsonOutcome(wrong, 1, false);
      assert.equal(wrong.json.error.code, 'AzureSignInRequired');
      assert.ok(!wrong.stdout.includes('wrong-token-value') && !wrong.stderr.includes('wrong-token-value'));
      const text = await runCli(azure('servers', ['--token-stdin']), { env, stdin: 'wrong-token-value\n' });
      assert.match(text.stderr, /^Error \[AzureSignInRequired\].*\nNext step: Sign in to Azure again/s);

      const missing = await runCli([...azure('credentials', ['--out', root, '--token-stdin']).map((a) => (a === vaultName ? 'no-such-vault' : a)), '--json'], { env, stdin: `${token}\n` });
      assertJsonOutcome(missing, 1, false);
      assert.equal(missing.json.error.code, 'AzureResourceNotFound');

      const asArgument = await runCli([...azure('servers'), '--token', 'argv-token-value', '--json'], { env });
      assertJsonOutcome(asArgument, 2, false);
      assert.equal(asArgument.json.error.code, 'SecretInArguments');
      assert.ok(!asArgument.stdout.includes('argv-token-value'));

      const noToken = await runCli([...azure('servers'), '--json'], { env });
      assertJsonOutcome(noToken, 2, false);
      assert.equal(noToken.json.error.code, 'CliTokenRequired');
    });

    it('refuses names Azure would not take before any request: a subscription that is no GUID, a resource group or vault name against its rule', async () => {
      // The endpoint refuses every connection: a request made first would answer ConnectionRefused.
      const closed = (args: string[]) => args.map((a) => (a === vault.url ? 'https://127.0.0.1:9' : a));
      for (const [name, value, code] of [
        [subscription, 'not-a-guid', 'AzureSubscriptionIdInvalid'],
        [resourceGroup, 'bad rg!', 'AzureResourceGroupNameInvalid'],
        [resourceGroup, 'ends-with-a-period.', 'AzureResourceGroupNameInvalid'],
        [vaultName, 'x/../lab1', 'AzureVaultNameInvalid'],
      ]) {
        const run = await runCli([...closed(azure('servers', ['--token-stdin'])).map((a) => (a === name ? value : a)), '--json'], { env, stdin: `${token}\n` });
        assertJsonOutcome(run, 1, false);
        assert.equal(run.json.error.code, code, value);
        assert.equal(run.json.error.params.value, value);
      }
      const text = await runCli(closed(azure('servers', ['--token-stdin'])).map((a) => (a === vaultName ? 'x/../lab1' : a)), { env, stdin: `${token}\n` });
      assert.match(text.stderr, /^Error \[AzureVaultNameInvalid\]: "x\/\.\.\/lab1" is not a Recovery Services vault name.*\nNext step: /s);
    });

    it("signs in to Azure's own Resource Manager as Azure's tools do; with no Azure CLI login or environment credentials here, it says so (a real sign-in is unverified)", async () => {
      const run = await runCli(['azure', 'servers', '--subscription', subscription, '--resource-group', resourceGroup, '--vault', vaultName, '--json'], { env });
      assertJsonOutcome(run, 1, false);
      assert.equal(run.json.error.code, 'AzureCredentialUnavailable');
      assert.equal(run.json.error.params.action, 'signInToAzure');
    });
  });

  /**
   * Runs `body` against a real sshd that takes the key of an admin home made for it (the default key
   * file, which the CLI finds as ssh does); skips where sshd cannot run.
   */
  async function withSshServer(test: Mocha.Context, body: (sshd: TestSshd, home: string) => Promise<void>): Promise<void> {
    const missing = sshdUnavailableReason();
    if (missing) {
      console.warn(`    skipping --ssh: ${missing}`);
      return test.skip();
    }
    const home = path.join(root, 'home');
    await fs.mkdir(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const key = await generateKeyPair(path.join(home, '.ssh'), 'id_ed25519');
    const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    try {
      await body(sshd, home);
    } finally {
      await sshd.close();
    }
  }

  it('sets up a remote server with --ssh: a new host key refused until accepted, then register and status over SSH', async function () {
    await withSshServer(this, async (sshd, home) => {
      const remote = ['--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`];
      const installFolder = path.join(sshd.dir, 'remote-install');
      const sshEnv = { ...env, HOME: home };
      const refused = await runCli(['status', ...remote, '--install-folder', installFolder, '--json'], { env: sshEnv });
      assertJsonOutcome(refused, 1, false);
      assert.equal(refused.json.error.code, 'SshHostKeyNotTrusted');
      const fingerprint = execFileSync('ssh-keygen', ['-lf', `${sshd.hostKey.privateKeyFile}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
      assert.ok(refused.stderr.includes(fingerprint), `the fingerprint is shown: ${refused.stderr}`);
      await assert.rejects(fs.stat(path.join(home, '.ssh', 'known_hosts')), 'a refused key is not remembered');

      const { file, vaultName } = await credentialsFile();
      const passphraseFile = path.join(root, 'admin', 'remote-passphrase.txt');
      const registered = await runCli(
        ['register', ...remote, '--accept-new-host-key', '--credentials', file, '--install-folder', installFolder, '--server-name', 'remote-cli-1', '--data-size', '1000', '--passphrase-file', passphraseFile, '--passphrase-stdin', '--ca', caFile, '--json'],
        { env: sshEnv, stdin: `${TEST_PASSPHRASE}\n`, watchProcesses: true },
      );
      assertJsonOutcome(registered, 0, true);
      assert.equal(registered.json.result.serverName, 'remote-cli-1');
      assert.ok((await fs.readFile(path.join(home, '.ssh', 'known_hosts'), 'utf8')).includes(sshd.knownHostsLine.split(' ')[2]!));
      const [registration] = await vault.admin.listRegistrations(vaultName);
      assert.equal(registration?.serverName, 'remote-cli-1');
      // Written over SSH (the sshd runs on this machine), the passphrase file on the admin side.
      const config = await readAgentConfig(new LocalTarget(), agentLayout(new LocalTarget(), installFolder));
      assert.equal(config?.registration?.id, registration.registrationId);
      assert.equal((await readPassphraseFile(passphraseFile)).passphrase, TEST_PASSPHRASE);
      assert.ok(!registered.commandLines.some((l) => l.includes(TEST_PASSPHRASE)), 'the passphrase is in no sampled process argument list');
      assert.ok(!registered.stdout.includes(TEST_PASSPHRASE) && !registered.stderr.includes(TEST_PASSPHRASE));

      const status = await runCli(['status', ...remote, '--install-folder', installFolder, '--json'], { env: sshEnv });
      assertJsonOutcome(status, 0, true);
      assert.equal(status.json.result.state.kind, 'registered');
    });
  });

  describe('finds a chosen install folder without --install-folder (issue 12)', () => {
    const recordFile = () => path.join(process.env.BACKUP_AGENT_RECORD_DIR!, 'install.json');

    /** register into `installFolder`, then status and unregister with no folder, a given folder winning, and a malformed record refused. */
    async function findsTheInstall(remote: string[], installFolder: string, cliEnv: Record<string, string>): Promise<void> {
      const { file } = await credentialsFile();
      const registered = await runCli(
        ['register', ...remote, '--credentials', file, '--install-folder', installFolder, '--data-size', '1000', '--passphrase-file', path.join(root, 'admin', 'passphrase.txt'), '--accept-passphrase-location', '--passphrase-stdin', '--ca', caFile, '--json'],
        { env: cliEnv, stdin: `${TEST_PASSPHRASE}\n` },
      );
      assertJsonOutcome(registered, 0, true);
      const { registrationId } = registered.json.result;
      assert.equal(JSON.parse(await fs.readFile(recordFile(), 'utf8')).installFolder, installFolder);

      const status = await runCli(['status', ...remote, '--json'], { env: cliEnv });
      assertJsonOutcome(status, 0, true);
      assert.equal(status.json.result.installFolder, installFolder);
      assert.equal(status.json.result.state.kind, 'registered');
      assert.equal(status.json.result.config.registration.id, registrationId);

      const given = await runCli(['status', ...remote, '--install-folder', path.join(root, 'elsewhere'), '--json'], { env: cliEnv });
      assertJsonOutcome(given, 0, true);
      assert.equal(given.json.result.installFolder, path.join(root, 'elsewhere'));
      assert.equal(given.json.result.state.kind, 'notSetUp');

      const unregistered = await runCli(['unregister', ...remote, '--json'], { env: cliEnv });
      assertJsonOutcome(unregistered, 0, true);
      assert.equal(unregistered.json.result.registrationId, registrationId);
      // The install and its record stay: status reads that install, no longer registered.
      const after = await runCli(['status', ...remote], { env: cliEnv });
      assert.equal(after.code, 0, after.stderr);
      assert.match(after.stdout, /^State: notSetUp\n/);
      assert.ok(after.stdout.includes(`  Install:       ${installFolder}\n`), after.stdout);

      await fs.writeFile(recordFile(), '{"formatVersion": 1, "installFolder": ');
      const malformed = await runCli(['status', ...remote, '--json'], { env: cliEnv });
      assertJsonOutcome(malformed, 1, false);
      assert.equal(malformed.json.error.code, 'InstallRecordInvalid');
      assert.equal(malformed.json.error.params.file, recordFile());
      const text = await runCli(['unregister', ...remote], { env: cliEnv });
      assert.equal(text.code, 1);
      assert.ok(text.stderr.includes(recordFile()), `the text error names the record: ${text.stderr}`);
      const passedBy = await runCli(['status', ...remote, '--install-folder', installFolder, '--json'], { env: cliEnv });
      assertJsonOutcome(passedBy, 0, true);
      assert.equal(passedBy.json.result.installFolder, installFolder);
    }

    it('on this machine', async () => {
      await findsTheInstall([], path.join(root, 'chosen-install'), env);
    });

    it('over --ssh', async function () {
      // Eight CLI runs over SSH, one a whole register (the agent installs and registers on the server):
      // 58-64 s alone on this 2-core machine, past the suite's 60 s under a CI run's load.
      this.timeout(180_000);
      await withSshServer(this, async (sshd, home) => {
        await fs.writeFile(path.join(home, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
        await findsTheInstall(['--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`], path.join(sshd.dir, 'chosen-install'), { ...env, HOME: home });
      });
    });
  });

  it('stops on Ctrl+C with exit code 130', async () => {
    // A port that accepts connections and never answers: the TLS stage waits until interrupted.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const run = await runCli(['check-connectivity', '--endpoint', `https://127.0.0.1:${port}`, '--json'], { env, interruptAfterMs: 1_500 });
      assertJsonOutcome(run, 130, false);
      assert.equal(run.json.error.code, 'Cancelled');
    } finally {
      silent.close();
    }
  });

  it('refuses to unregister a folder without a configuration, with its code', async () => {
    const run = await runCli(['unregister', '--install-folder', path.join(root, 'nothing'), '--json'], { env });
    assertJsonOutcome(run, 1, false);
    assert.equal(run.json.error.code, 'AgentNotConfigured');
  });

  it('names the path, the cause and the next step as an instruction in a text error', async () => {
    const missing = path.join(root, 'no such dir', 'lab1.VaultCredentials');
    const run = await runCli(['inspect', missing], { env });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Error \[34528\]: /);
    assert.ok(run.stderr.includes(missing), run.stderr);
    assert.match(run.stderr, /Cause: it does not exist \(ENOENT\)/);
    assert.match(run.stderr, /Next step: Check that the file exists and that your user can read it, then try again\.\n$/);
    assert.doesNotMatch(run.stderr, /checkFileAccess/, 'no internal action name');
  });

  it('refuses a malformed --ssh destination as a usage error (exit 2), connecting nowhere', async () => {
    for (const destination of ['bad host', 'user@:', 'host:99999']) {
      const run = await runCli(['status', '--ssh', destination, '--json'], { env });
      assertJsonOutcome(run, 2, false);
      assert.equal(run.json.error.code, 'SshInvalidDestination');
      const text = await runCli(['status', '--ssh', destination], { env });
      assert.equal(text.code, 2, text.stderr);
    }
  });

  it('checks the credentials file and the passphrase before connecting to the server', async () => {
    // A server that counts the connections it gets: none may come.
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const { file } = await credentialsFile();
      const remote = ['register', '--ssh', `nobody@127.0.0.1:${port}`, '--data-size', '1000', '--json'];
      const missing = await runCli([...remote, '--credentials', path.join(root, 'missing.VaultCredentials')], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
      assertJsonOutcome(missing, 1, false);
      assert.equal(missing.json.error.code, '34528');
      const short = await runCli([...remote, '--credentials', file], { env: { ...env, BACKUP_PASSPHRASE: 'short' } });
      assertJsonOutcome(short, 1, false);
      assert.equal(short.json.error.code, 'PassphraseInvalid');
      assert.equal(connections, 0, 'no connection to the server');
      // The same command with good inputs does connect (and fails there): the counter can count.
      const good = await runCli([...remote, '--credentials', file], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
      assertJsonOutcome(good, 1, false);
      assert.ok(connections > 0, good.stdout);
    } finally {
      server.close();
    }
  });

  it('prints exactly one JSON object through npm run --silent cli and npx backup-agent-setup', async () => {
    const missing = path.join(root, 'missing.VaultCredentials');
    const cliEnv = { ...process.env, ...env, npm_config_update_notifier: 'false' };
    for (const [command, args] of [
      ['npm', ['run', '--silent', 'cli', '--', 'inspect', missing, '--json']],
      ['npx', ['--no-install', 'backup-agent-setup', 'inspect', missing, '--json']],
    ] as const) {
      const run = spawnSync(command, args, { cwd: REPO_ROOT, env: cliEnv, encoding: 'utf8' });
      assert.equal(run.status, 1, `${command}: ${run.stderr}`);
      const parsed = JSON.parse(run.stdout) as { ok: boolean; error: { code: string } };
      assert.equal(run.stdout.trim().split('\n').length, 1, `${command}: one line: ${run.stdout}`);
      assert.equal(parsed.error.code, '34528');
    }
  });

  // A suite of its own, last: mocha runs a suite's tests before its nested suites (azure's among them).
  describe('--json schema', () => {
    it("matched every command's --json output against docs/cli-output.schema.json", () => {
      assert.deepEqual(CLI_COMMANDS.filter((c) => !conforming.has(c)), []);
    });
  });
});

/**
 * The secret-leak test: after whole flows through a real squid with basic auth, via the service
 * and via the CLI, the passphrases, the proxy password (also as its Basic header) and the private
 * keys appear nowhere but in the files meant to hold them (0600): not in any other file written,
 * not in the log, not in results or errors, not in the CLI's output, not in any command line
 * sampled while the CLI ran (every 5 ms, so a process shorter than that can slip between samples).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { agentLayout } from '../../../src/core/config/layout';
import { Secret } from '../../../src/core/secret';
import { LocalTarget } from '../../../src/core/target/local';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { filesUnder } from '../../support/files';
import { acceptLocation, findSecrets, runCli, serviceFor, setupInput, startServiceVault, tempDir, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, type TestVault } from '../../support/vault';

const PROXY_USER = 'leaktest';
const PROXY_PASSWORD = 'Squ1d-leak-canary-7b1e';
const WRONG_PASSWORD = 'Wr0ng-leak-canary-4c2d';
const PASSPHRASE = 'Passphrase-leak-canary-9f3a61c2';
const NEW_PASSPHRASE = 'Passphrase-leak-canary-2-d4e8b07f';
const CLI_PASSPHRASE = 'Passphrase-leak-canary-cli-5a0c3e';

const basic = (password: string) => Buffer.from(`${PROXY_USER}:${password}`).toString('base64');
const SECRETS = [PASSPHRASE, NEW_PASSPHRASE, CLI_PASSPHRASE, PROXY_PASSWORD, WRONG_PASSWORD, basic(PROXY_PASSWORD), basic(WRONG_PASSWORD)];

/** Lines of a PEM key long enough that finding one means the key leaked. */
function keyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----'));
}

describe('secrets never leak', function () {
  this.timeout(120_000);
  let vault: TestVault;
  let squid: Squid;
  let root: string;

  before(async function () {
    const reason = squidUnavailableReason();
    if (reason) {
      console.warn(`    skipping the secret-leak test: ${reason}`);
      this.skip();
    }
    vault = await startServiceVault();
    squid = await startSquid({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    root = await tempDir('service-secrets-');
  });
  after(async () => {
    await squid?.stop();
    await vault?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('through the service and the CLI, with a proxy password and passphrases', async () => {
    const target = new LocalTarget();
    const creds = await createVaultWithCredentials(vault);
    const credentialsFile = await writeCredentials(root, creds.file);
    const { service, logger } = serviceFor(root, vault);
    const proxyInput = { mode: 'settings' as const, host: '127.0.0.1', port: squid.port, user: PROXY_USER };
    const texts: Record<string, string> = {};
    const record = (where: string, value: unknown) => {
      texts[where] = `${JSON.stringify(value)}\n${inspect(value, { depth: 10 })}`;
    };

    // A refused attempt first: the wrong password must not show in the error either.
    const refused = await service
      .register(setupInput(credentialsFile, root, { proxyInput: { ...proxyInput, password: WRONG_PASSWORD }, passphraseText: PASSPHRASE }), {
        confirmPassphraseLocation: acceptLocation,
      })
      .then(
        () => assert.fail('the wrong proxy password should be refused'),
        (e: unknown) => e,
      );
    record('refusal', refused);
    texts['refusal cause'] = inspect((refused as Error).cause, { depth: 10 });

    const input = setupInput(credentialsFile, root, { proxyInput: { ...proxyInput, password: PROXY_PASSWORD }, passphraseText: PASSPHRASE });
    const layout = agentLayout(target, input.installFolder!);
    record('plan', await service.plan(input));
    record('register', await service.register(input, { confirmPassphraseLocation: acceptLocation }));
    record('status', await service.status({ installFolder: input.installFolder }));
    const pin = new Secret((await vault.admin.issueSecurityPin(creds.identity.name)).pin);
    const newFile = path.join(root, 'admin', 'new-passphrase.txt');
    record(
      'change',
      await service.change({ passphrase: { newValue: new Secret(NEW_PASSPHRASE), securityPin: pin, passphraseFile: newFile } }, {
        installFolder: input.installFolder,
        confirmPassphraseLocation: acceptLocation,
      }),
    );
    texts.log = logger.lines.join('\n');

    // The same through the CLI, its secrets from the environment, in an install folder of its own.
    const cliRoot = path.join(root, 'cli');
    const cliInstall = path.join(cliRoot, 'install');
    const caFile = path.join(root, 'vault-ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
    const cliCreds = await createVaultWithCredentials(vault);
    const cliCredentialsFile = await writeCredentials(root, cliCreds.file);
    const env = { BACKUP_PASSPHRASE: CLI_PASSPHRASE, BACKUP_PROXY_PASSWORD: PROXY_PASSWORD, XDG_CACHE_HOME: path.join(cliRoot, 'cache') };
    const cliArgs = [
      ['register', '--credentials', cliCredentialsFile, '--install-folder', cliInstall, '--data-size', '0', '--passphrase-file', path.join(cliRoot, 'passphrase.txt'),
        '--accept-passphrase-location', '--proxy-host', '127.0.0.1', '--proxy-port', String(squid.port), '--proxy-user', PROXY_USER, '--ca', caFile, '--verbose'],
      ['status', '--install-folder', cliInstall, '--json', '--verbose'],
      ['check-connectivity', '--credentials', cliCredentialsFile, '--proxy-host', '127.0.0.1', '--proxy-port', String(squid.port), '--proxy-user', PROXY_USER, '--ca', caFile, '--json'],
    ];
    const commandLines: string[] = [];
    for (const args of cliArgs) {
      const run = await runCli(args, { env, watchProcesses: true });
      assert.equal(run.code, 0, `${args[0]}: ${run.stderr}`);
      texts[`cli ${args[0]} stdout`] = run.stdout;
      texts[`cli ${args[0]} stderr`] = run.stderr;
      commandLines.push(...run.commandLines);
    }
    const cliLayout = agentLayout(target, cliInstall);
    assert.ok(commandLines.some((line) => line.includes('backup-agent-setup.mjs register')), 'the sampling saw the CLI itself');

    // The files that are meant to hold secrets do (so the search below would find a leak) and are 0600.
    const secretFiles = [input.passphraseFile!, newFile, path.join(cliRoot, 'passphrase.txt'), layout.machineKeyFile, layout.proxyPasswordFile, cliLayout.machineKeyFile, cliLayout.proxyPasswordFile];
    for (const file of secretFiles) assert.equal((await fs.stat(file)).mode & 0o777, 0o600, file);
    assert.equal(await fs.readFile(layout.proxyPasswordFile, 'utf8'), PROXY_PASSWORD);
    assert.deepEqual(await findSecrets([NEW_PASSPHRASE], {}, [newFile]), [`${newFile}: ${NEW_PASSPHRASE.slice(0, 4)}…`]);

    const keys = [
      ...keyLines((await service.inspectCredentials(credentialsFile)).clientCertificate.keyPem),
      ...keyLines(await fs.readFile(layout.machineKeyFile, 'utf8')),
      ...keyLines(await fs.readFile(cliLayout.machineKeyFile, 'utf8')),
    ];
    assert.ok(keys.length > 30);
    const written = (await filesUnder(root)).filter((file) => !secretFiles.includes(file));
    assert.ok(written.includes(layout.configFile) && written.includes(cliLayout.configFile));
    assert.deepEqual(await findSecrets([...SECRETS, ...keys], texts, written), []);
    assert.deepEqual(await findSecrets(SECRETS, { 'command lines': commandLines.join('\n') }, []), []);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  REPO_ROOT,
  credentialsPfx,
  registerMachine,
  registrationBody,
  startTestVault,
  tempDir,
  vaultClient,
  type TestVault,
} from '../../support/vault';
import { ensureCliBuilt } from '../../support/service';
import { RECOVERY_SERVICES_API_VERSION } from '../../../src/core/vault/azure/apiVersions';

const VAULT_BIN = path.join(REPO_ROOT, (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['backup-vault']!);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed `backup-vault ...` (the bin's bundle) as a user would. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  await ensureCliBuilt();
  return new Promise((resolve) => {
    execFile(VAULT_BIN, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function cliJson<T = Record<string, unknown>>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await cli([...args, '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

describe('vault CLI', function () {
  this.timeout(30_000);
  let work: string;

  before(async () => {
    work = await tempDir('vault-cli-');
  });
  after(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  describe('without a running service (works on the data folder)', () => {
    let data: string;
    before(() => {
      data = path.join(work, 'offline');
    });

    it('creates and lists vaults, also with the data folder from the environment', async () => {
      const created = await cliJson(['create', 'lab1', '--resource-group', 'rg-1', '--location', 'westus', '--data', data]);
      assert.equal(created.name, 'lab1');
      assert.equal(created.resourceGroup, 'rg-1');
      const listed = await cliJson<Array<{ identity: { name: string } }>>(['list'], { BACKUP_VAULT_DATA: data });
      assert.deepEqual(listed.map((v) => v.identity.name), ['lab1']);
    });

    it('writes a credentials file (0600) and issues a PIN', async () => {
      const out = path.join(work, 'files');
      const written = await cliJson(['credentials', 'lab1', '--out', out, '--valid-hours', '24', '--data', data]);
      const file = String(written.path);
      assert.ok(file.startsWith(out) && file.endsWith('.VaultCredentials'), file);
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      assert.match(await fs.readFile(file, 'utf8'), /<RSBackupVaultAADCreds /);
      assert.ok(Math.abs(Date.parse(String(written.notAfter)) - Date.now() - 24 * 3_600_000) < 60_000);
      const pin = await cliJson(['security-pin', 'lab1', '--data', data]);
      assert.match(String(pin.pin), /^\d{8}$/);
    });

    it('lists each vault with its subscription, resource group and location', async () => {
      const [lab1] = await cliJson<Array<{ identity: { name: string; subscriptionId: string; resourceGroup: string; location: string } }>>(['list', '--data', data]);
      assert.equal(lab1?.identity.name, 'lab1');
      assert.match(lab1.identity.subscriptionId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(lab1.identity.resourceGroup, 'rg-1');
      assert.equal(lab1.identity.location, 'westus');
      const text = await cli(['list', '--data', data]);
      assert.match(text.stdout, new RegExp(`^lab1\t${lab1.identity.subscriptionId}/rg-1\twestus\t`));
    });

    it('makes the ARM token once, private (0600), and prints the same one after', async () => {
      const first = await cliJson<{ token: string }>(['arm-token', '--data', data]);
      assert.match(first.token, /^[\w-]{43}$/);
      assert.equal((await fs.stat(path.join(data, 'arm-token'))).mode & 0o777, 0o600);
      const again = await cli(['arm-token', '--data', data]);
      assert.equal(again.stdout.trim(), first.token);
    });

    it('exits 2 on usage errors and 1 with the error code on refusals', async () => {
      const usage = await cli(['create', '--data', data]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /needs a vault name/);
      assert.equal((await cli(['frobnicate', '--data', data])).code, 2);
      const refused = await cli(['security-pin', 'nope', '--data', data]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^error VaultNotFound: /);
    });

    it('speaks Spanish by LC_ALL, LC_MESSAGES or LANG: the usage, its results and refusals; --json the same in both', async () => {
      const es = { LC_ALL: '', LC_MESSAGES: '', LANG: 'es_ES.UTF-8' };
      const help = await cli(['--help'], es);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Uso: npm run vault -- <comando> \[opciones\]\n\nComandos:\n/);
      assert.match(help.stdout, /la carpeta de datos \(predeterminada: \$BACKUP_VAULT_DATA, si no \.\/\.vault-data\)/);
      const created = await cli(['create', 'lab-es', '--location', 'westeurope', '--data', data], es);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^almacén lab-es creado \(suscripción [0-9a-f-]{36}, grupo de recursos [^,]+, ubicación westeurope\)\n$/);
      const listed = await cli(['list', '--data', data], es);
      assert.match(listed.stdout, /\nlab-es\t[^\t]+\twesteurope\t0 máquina\(s\)\tcredenciales nunca emitidas\n/);
      const usage = await cli(['create', '--data', data], es);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /^create necesita un nombre de almacén\.\n\nUso: /);
      const refused = await cli(['security-pin', 'nope', '--data', data], es);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^error VaultNotFound: \S.*almacén/);
      assert.doesNotMatch(refused.stderr, /There is no vault/);
      const english = await cli(['list', '--data', data], { LC_ALL: 'C' });
      assert.match(english.stdout, /\tcredentials never issued\n/);
      assert.equal((await cli(['list', '--json', '--data', data], es)).stdout, (await cli(['list', '--json', '--data', data], { LC_ALL: 'C' })).stdout);
    });
  });

  describe('with a running service (goes through its admin API)', () => {
    let vault: TestVault;
    before(async () => {
      vault = await startTestVault({ dataDir: path.join(work, 'live') });
    });
    after(async () => {
      await vault.close();
    });

    it('creates a vault in the running service', async () => {
      await cliJson(['create', 'live', '--data', vault.dataDir]);
      assert.ok((await vault.admin.listVaults()).some((v) => v.identity.name === 'live'));
      assert.ok(vault.logs.some((l) => l.startsWith('POST /admin/v1/vaults 201 vault=live')), vault.logs.join('\n'));
    });

    it('issues credentials the running service accepts at once, superseding the earlier file', async () => {
      const out = path.join(work, 'live-files');
      const first = await cliJson(['credentials', 'live', '--out', out, '--data', vault.dataDir]);
      const firstPfx = credentialsPfx(await fs.readFile(String(first.path), 'utf8'));
      const firstClient = vaultClient(vault, { pfx: firstPfx });
      try {
        assert.equal((await registerMachine(firstClient)).response.status, 201);
        await fs.rm(out, { recursive: true });
        const second = await cliJson(['credentials', 'live', '--out', out, '--data', vault.dataDir]);
        const refused = await firstClient.request('POST', '/v1/registrations', { json: await registrationBody() });
        assert.equal(refused.json.error.code, '34513');
        const secondClient = vaultClient(vault, { pfx: credentialsPfx(await fs.readFile(String(second.path), 'utf8')) });
        try {
          const machine = await registerMachine(secondClient);
          const pin = await cliJson(['security-pin', 'live', '--data', vault.dataDir]);
          const machineClient = vaultClient(vault, machine.client);
          try {
            const changed = await machineClient.request('POST', `/v1/registrations/${machine.registrationId}/passphrase-change`, { json: { securityPin: pin.pin } });
            assert.equal(changed.status, 200, 'the PIN from the CLI is known to the running service');
            const revoked = await cliJson(['revoke', machine.registrationId, '--data', vault.dataDir]);
            assert.equal(revoked.status, 'revoked');
            assert.equal((await machineClient.request('GET', `/v1/registrations/${machine.registrationId}`)).json.status, 'revoked');
          } finally {
            await machineClient.close();
          }
        } finally {
          await secondClient.close();
        }
      } finally {
        await firstClient.close();
      }
    });

    it('records a backup by a registered server in the running service', async () => {
      const credentialsClient = vaultClient(vault, { pfx: credentialsPfx((await vault.admin.issueCredentials('live')).xml) });
      try {
        const machine = await registerMachine(credentialsClient, { serverName: 'srv-backup' });
        const view = await cliJson<{ backupItems: Array<{ name: string; lastBackupAt: string }> }>(['backup', machine.registrationId, '--item', '/srv/data', '--data', vault.dataDir]);
        assert.deepEqual(view.backupItems.map((b) => b.name), ['/srv/data']);
        assert.ok(vault.logs.some((l) => /^POST \/admin\/v1\/registrations\/[^ ]+\/backups 200 vault=live/.test(l)), vault.logs.join('\n'));
        assert.equal((await cli(['backup', machine.registrationId, '--data', vault.dataDir])).code, 2);
      } finally {
        await credentialsClient.close();
      }
    });

    it('prints the ARM token the running service accepts', async () => {
      const { token } = await cliJson<{ token: string }>(['arm-token', '--data', vault.dataDir]);
      const client = vaultClient(vault);
      try {
        const listed = await client.request('GET', `/subscriptions/${randomUUID()}/providers/Microsoft.RecoveryServices/vaults?api-version=${RECOVERY_SERVICES_API_VERSION}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(listed.status, 200);
        assert.deepEqual(listed.json, { value: [] });
      } finally {
        await client.close();
      }
    });

    it('sees the same state through the files once the service stopped', async () => {
      const live = await cliJson<Array<{ registrationId: string; status: string }>>(['registrations', 'live', '--data', vault.dataDir]);
      await vault.close();
      const offline = await cliJson<Array<{ registrationId: string; status: string }>>(['registrations', 'live', '--data', vault.dataDir]);
      assert.deepEqual(offline, live);
      assert.ok(offline.some((r) => r.status === 'revoked'));
    });
  });
});

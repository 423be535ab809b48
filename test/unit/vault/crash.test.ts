import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { openVaultAdmin } from '../../../src/vault/index';
import {
  REPO_ROOT,
  credentialsPfx,
  registerMachine,
  startTestVault,
  tempDir,
  vaultClient,
  type RegisteredMachine,
} from '../../support/vault';

/** `serve` in a child process of its own, resolved once it listens. */
async function serveChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/vault/cli.ts', 'serve', '--port', '0', '--data', dataDir, '--agent-dir', path.join(dataDir, 'no-agent')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /listening on (https:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${output}`)));
  });
  return { child, url };
}

describe('vault persistence across kill -9', function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcess | undefined;

  before(async () => {
    dir = await tempDir('vault-crash-');
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged registration when the service is killed during writes', async () => {
    const served = await serveChild(dir);
    child = served.child;
    const admin = await openVaultAdmin(dir);
    assert.equal(admin.mode, 'service');
    await admin.createVault({ name: 'crash' });
    const file = await admin.issueCredentials('crash');
    await admin.close();

    const caCertPem = await fs.readFile(path.join(dir, 'ca.cert.pem'), 'utf8');
    const client = vaultClient({ url: served.url, caCertPem }, { pfx: credentialsPfx(file.xml) });
    const acknowledged: RegisteredMachine[] = [];
    let started = 0;
    const KILL_AFTER = 12;
    const worker = async () => {
      while (started < 48 && child!.exitCode === null && child!.signalCode === null) {
        started++;
        try {
          acknowledged.push(await registerMachine(client, { serverName: `m${started}` }));
        } catch {
          return; // the service is gone
        }
        if (acknowledged.length === KILL_AFTER) child!.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await client.close().catch(() => {});
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    assert.equal(child.signalCode, 'SIGKILL');
    assert.ok(acknowledged.length >= KILL_AFTER);
    assert.ok(started > acknowledged.length, 'requests were still in flight when the service died');

    const restarted = await startTestVault({ dataDir: dir });
    try {
      const known = new Map((await restarted.admin.listRegistrations('crash')).map((r) => [r.registrationId, r]));
      for (const machine of acknowledged) {
        assert.equal(known.get(machine.registrationId)?.machineId, machine.machineId, `registration ${machine.registrationId} was lost`);
        const machineClient = vaultClient(restarted, machine.client);
        try {
          const res = await machineClient.request('GET', `/v1/registrations/${machine.registrationId}`);
          assert.equal(res.status, 200, 'the acknowledged machine certificate is still the accepted one');
        } finally {
          await machineClient.close();
        }
      }
    } finally {
      await restarted.close();
    }
  });
});

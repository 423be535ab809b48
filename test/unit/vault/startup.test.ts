import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startVault } from '../../../src/vault/index';
import { startTestVault, tempDir } from '../../support/vault';

describe('vault start-up and its data folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('creates a CA and a server certificate for 127.0.0.1 and localhost, keys 0600, and reuses them', async () => {
    const vault = await startTestVault({ dataDir: dir });
    await vault.close();
    for (const key of ['ca.key.pem', 'server.key.pem', 'admin-token', 'state.json']) {
      assert.equal((await fs.stat(path.join(dir, key))).mode & 0o777, 0o600, key);
    }
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
    const ca = new X509Certificate(await fs.readFile(path.join(dir, 'ca.cert.pem')));
    const server = new X509Certificate(await fs.readFile(path.join(dir, 'server.cert.pem')));
    assert.ok(ca.ca);
    assert.ok(server.verify(ca.publicKey));
    assert.equal(server.checkHost('localhost'), 'localhost');
    assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(new X509Certificate(vault.caCertPem).fingerprint256, ca.fingerprint256);

    const again = await startTestVault({ dataDir: dir });
    try {
      assert.equal(again.caCertPem, vault.caCertPem, 'the CA survives restarts');
    } finally {
      await again.close();
    }
  });

  it('refuses a damaged state file with VaultDataCorrupt', async () => {
    await fs.writeFile(path.join(dir, 'state.json'), '{"formatVersion":1,"vaults":');
    await assert.rejects(startTestVault({ dataDir: dir }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'VaultDataCorrupt');
      assert.ok(err.message.includes('state.json'), err.message);
      return true;
    });
    await fs.writeFile(path.join(dir, 'state.json'), JSON.stringify({ formatVersion: 1, serviceUrl: null, vaults: { a: { identity: {} } }, registrations: {} }));
    await assert.rejects(startTestVault({ dataDir: dir }), { code: 'VaultDataCorrupt' });
    await assert.rejects(fs.stat(path.join(dir, 'service.lock')), { code: 'ENOENT' }, 'a failed start releases the folder');
  });

  it('refuses a damaged CA key with VaultDataCorrupt', async () => {
    const vault = await startTestVault({ dataDir: dir });
    await vault.close();
    await fs.writeFile(path.join(dir, 'ca.key.pem'), 'not a key');
    await assert.rejects(startTestVault({ dataDir: dir }), { code: 'VaultDataCorrupt' });
  });

  it('refuses an unreadable data folder with VaultDataUnreadable', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, 'x');
    await assert.rejects(startTestVault({ dataDir: file }), { code: 'VaultDataUnreadable' });
    await fs.mkdir(path.join(dir, 'state.json'));
    await assert.rejects(startTestVault({ dataDir: dir }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'VaultDataUnreadable');
      assert.match(err.message, /EISDIR/);
      return true;
    });
  });

  it('says clearly that a port is in use, and leaves the folder free', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await assert.rejects(startVault({ dataDir: dir, port }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'VaultPortInUse');
        assert.ok(err.message.includes(String(port)), err.message);
        return true;
      });
      await assert.rejects(startVault({ dataDir: dir, port: 0, adminPort: port }), { code: 'VaultPortInUse' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const vault = await startTestVault({ dataDir: dir });
    await vault.close();
  });

  it('refuses a second service on the same data folder with VaultDataInUse', async () => {
    const vault = await startTestVault({ dataDir: dir });
    try {
      await assert.rejects(startTestVault({ dataDir: dir }), { code: 'VaultDataInUse' });
    } finally {
      await vault.close();
    }
  });

  it('takes over a folder whose service died without releasing it', async () => {
    await fs.writeFile(path.join(dir, 'service.lock'), JSON.stringify({ pid: 2 ** 22 + 1, kind: 'serve', instanceId: 'gone', startedAt: new Date().toISOString() }));
    const vault = await startTestVault({ dataDir: dir });
    const lock = JSON.parse(await fs.readFile(path.join(dir, 'service.lock'), 'utf8'));
    assert.equal(lock.pid, process.pid, 'the new service holds the lock');
    assert.notEqual(lock.instanceId, 'gone');
    await vault.close();
    await assert.rejects(fs.stat(path.join(dir, 'service.lock')), { code: 'ENOENT' }, 'closing releases the lock');
  });
});

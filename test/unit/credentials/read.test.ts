import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { inspectCredentialsFile } from '../../../src/core/credentials/inspect';
import { isUncPath, nodeFileAccess, type FileAccess } from '../../../src/core/credentials/read';
import { issueTestCredentials } from '../../support/credentials-corpus';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/**
 * Running as root, chmod 000 does not stop a read, so lock-outs are simulated here: the original
 * path fails with the given errno, everything else (the temporary copy) goes to the real disk.
 */
function lockedOriginal(original: string, code: string, options: { network?: boolean; copyFails?: boolean } = {}) {
  const copies: Array<{ destination: string; dirMode: number }> = [];
  const access: FileAccess = {
    read: (file, maxBytes) => (file === original ? Promise.reject(errno(code)) : nodeFileAccess.read(file, maxBytes)),
    copy: async (source, destination) => {
      copies.push({ destination, dirMode: (await fs.stat(path.dirname(destination))).mode & 0o777 });
      if (options.copyFails) throw errno(code);
      await nodeFileAccess.copy(source, destination);
    },
    isNetworkLocation: async () => options.network ?? false,
  };
  return { access, copies };
}

describe('vault credentials: reading the file', function () {
  this.timeout(20_000);
  const now = new Date();
  let dir: string;
  let file: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'credentials-read-'));
    const issued = await issueTestCredentials(now);
    file = path.join(dir, issued.fileName);
    await fs.writeFile(file, issued.xml);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  for (const code of ['EACCES', 'EPERM', 'EBUSY', 'ETXTBSY']) {
    it(`retries from a private temporary copy when reading fails with ${code}, then removes the copy`, async () => {
      const { access, copies } = lockedOriginal(file, code);
      const creds = await inspectCredentialsFile(file, { now, access });
      assert.equal(creds.copiedFrom, file);
      assert.equal(creds.copyReason, 'access');
      assert.equal(copies.length, 1);
      assert.equal(copies[0]!.dirMode, 0o700);
      await assert.rejects(fs.stat(path.dirname(copies[0]!.destination)), { code: 'ENOENT' });
    });
  }

  it('copies a file on a network location before reading it at all', async () => {
    const { access, copies } = lockedOriginal(file, 'EIO', { network: true });
    const creds = await inspectCredentialsFile(file, { now, access });
    assert.equal(creds.copyReason, 'network');
    assert.equal(copies.length, 1);
  });

  it('reports 34528 when even the copy cannot be made, and cleans up', async () => {
    const { access, copies } = lockedOriginal(file, 'EACCES', { copyFails: true });
    await assert.rejects(inspectCredentialsFile(file, { now, access }), (err: unknown) => {
      assert.ok(isSetupError(err, '34528'));
      assert.deepEqual({ reason: err.params.reason, viaCopy: err.params.viaCopy }, { reason: 'EACCES', viaCopy: true });
      return true;
    });
    await assert.rejects(fs.stat(path.dirname(copies[0]!.destination)), { code: 'ENOENT' });
  });

  it('reports 34528 without a copy for a missing file', async () => {
    await assert.rejects(inspectCredentialsFile(path.join(dir, 'missing.VaultCredentials'), { now }), (err: unknown) => {
      assert.ok(isSetupError(err, '34528'));
      assert.deepEqual({ reason: err.params.reason, viaCopy: err.params.viaCopy }, { reason: 'ENOENT', viaCopy: false });
      return true;
    });
  });

  it('refuses a FIFO instead of blocking on it', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'pipe.VaultCredentials');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(inspectCredentialsFile(fifo, { now }), (err: unknown) => isSetupError(err, '34528') && err.params.reason === 'notAFile');
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(inspectCredentialsFile(file, { now, signal: controller.signal }), CancelledError);
  });

  it('recognises UNC paths as network locations', () => {
    assert.ok(isUncPath('\\\\fileserver\\share\\lab1.VaultCredentials'));
    assert.ok(isUncPath('\\\\?\\UNC\\fileserver\\share\\lab1.VaultCredentials'));
    assert.ok(!isUncPath('\\\\?\\C:\\Users\\me\\lab1.VaultCredentials'));
    assert.ok(!isUncPath('\\\\.\\pipe\\name'));
    assert.ok(!isUncPath('C:\\Users\\me\\lab1.VaultCredentials'));
    assert.ok(!isUncPath('/home/me/lab1.VaultCredentials'));
  });

  it('treats a file in a local temporary folder as local', async () => {
    assert.equal(await nodeFileAccess.isNetworkLocation(file), false);
  });
});

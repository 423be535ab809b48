import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../../src/core/fs/atomic';
import { mountTmpfs, mountUnavailableReason } from '../cache/tmpfs';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes with the requested mode whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      await writeFileAtomic(path.join(dir, 'secret'), 'x', { mode: 0o600 });
    } finally {
      process.umask(old);
    }
    assert.equal(fs.statSync(path.join(dir, 'secret')).mode & 0o777, 0o600);
  });

  it('never replaces an existing file when exclusive, and leaves no temp file', async () => {
    const file = path.join(dir, 'passphrase.txt');
    fs.writeFileSync(file, 'first');
    await assert.rejects(writeFileAtomic(file, 'second', { exclusive: true, mode: 0o600 }), { code: 'EEXIST' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'first');
    assert.deepEqual(fs.readdirSync(dir), ['passphrase.txt']);
  });

  it('keeps the old content and leaves no temp file when the disk fills mid-write', async function () {
    const reason = await mountUnavailableReason();
    if (reason) {
      console.warn(`    skipping the full-disk write: ${reason}`);
      this.skip();
    }
    const mount = await mountTmpfs({ sizeBytes: 64 * 1024 });
    try {
      const file = path.join(mount.dir, 'agent.json');
      await writeFileAtomic(file, 'old');
      await assert.rejects(writeFileAtomic(file, Buffer.alloc(1024 * 1024)), { code: 'ENOSPC' });
      assert.equal(fs.readFileSync(file, 'utf8'), 'old');
      assert.deepEqual(fs.readdirSync(mount.dir), ['agent.json']);
    } finally {
      await mount.unmount();
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureDataSize, PROGRESS_INTERVAL_MS, type DataSize, type DataSizeProgress } from '../../../src/core/cache/dataSize';
import { CancelledError, isSetupError } from '../../../src/core/errors';

const NOBODY = 65534;

describe('measureDataSize', () => {
  let tmp: string;

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'data-size-'));
  });
  after(() => fs.rm(tmp, { recursive: true, force: true }));

  async function tree(name: string, files: Record<string, number>): Promise<string> {
    const root = path.join(tmp, name);
    for (const [rel, size] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), Buffer.alloc(size));
    }
    return root;
  }

  it('adds up file sizes without following symlinks, counting hard links and overlapping roots once', async () => {
    const outside = await tree('outside', { 'big.bin': 50_000 });
    const root = await tree('data', { 'a.txt': 100, 'sub/b.txt': 200, 'sub/deeper/c.txt': 300 });
    await fs.symlink(path.join(outside, 'big.bin'), path.join(root, 'link-to-file'));
    await fs.symlink(outside, path.join(root, 'link-to-dir'));
    await fs.link(path.join(root, 'a.txt'), path.join(root, 'sub', 'hardlink-to-a.txt'));

    const size = await measureDataSize([root, path.join(root, 'sub')]);
    assert.deepEqual(size, { files: 3, directories: 3, bytes: 600, skipped: 0, partial: false, limitsHit: [] });
  });

  it('follows a root that is itself a symlink (the user named it)', async () => {
    const real = await tree('real-root', { 'x.bin': 1234 });
    const alias = path.join(tmp, 'alias-root');
    await fs.symlink(real, alias);
    assert.equal((await measureDataSize([alias])).bytes, 1234);
  });

  it('refuses a root that cannot be read, rather than measuring it as empty', async () => {
    const present = await tree('present', { 'x.bin': 10 });
    const missing = path.join(tmp, 'does-not-exist');
    await assert.rejects(measureDataSize([present, missing]), (err: unknown) => {
      assert.ok(isSetupError(err, 'DataFolderUnreadable'), String(err));
      assert.deepEqual(err.params, { folder: missing, reason: 'ENOENT' });
      assert.match(err.message, /does-not-exist cannot be read/);
      return true;
    });
  });

  describe('on a large tree', () => {
    let big: string;
    const DIRS = 20;
    const FILES_PER_DIR = 500;

    before(() => {
      big = path.join(tmp, 'big');
      for (let d = 0; d < DIRS; d++) {
        mkdirSync(path.join(big, `d${d}`), { recursive: true });
        for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(path.join(big, `d${d}`, `f${f}`), 'xx');
      }
    });

    it('reports progress at most every 100 ms, growing', async () => {
      const calls: Array<{ at: number; progress: DataSizeProgress }> = [];
      const size = await measureDataSize([big], {
        onProgress: (progress) => {
          calls.push({ at: performance.now(), progress });
          // A slow listener, so the walk lasts long enough to report more than once.
          const until = performance.now() + 90;
          while (performance.now() < until);
        },
      });
      assert.equal(size.files, DIRS * FILES_PER_DIR);
      assert.equal(size.bytes, DIRS * FILES_PER_DIR * 2);
      assert.ok(calls.length >= 2, `expected several progress reports, got ${calls.length}`);
      for (let i = 1; i < calls.length; i++) {
        assert.ok(calls[i].at - calls[i - 1].at >= PROGRESS_INTERVAL_MS - 1, `reports ${i - 1} and ${i} too close`);
        assert.ok(calls[i].progress.files >= calls[i - 1].progress.files);
        assert.ok(calls[i].progress.bytes >= calls[i - 1].progress.bytes);
      }
      assert.ok(size.files >= calls.at(-1)!.progress.files);
    });

    it('stops with CancelledError when aborted mid-walk', async () => {
      const controller = new AbortController();
      let reports = 0;
      const walk = measureDataSize([big], {
        signal: controller.signal,
        onProgress: (progress) => {
          reports++;
          assert.ok(progress.files < DIRS * FILES_PER_DIR, 'the walk is still under way');
          controller.abort();
        },
      });
      await assert.rejects(walk, CancelledError);
      assert.equal(reports, 1, 'nothing is reported after the abort');
    });

    it('stops at the entry limit and says the result is partial', async () => {
      const size = await measureDataSize([big], { maxEntries: 100 });
      assert.equal(size.partial, true);
      assert.deepEqual(size.limitsHit, ['maxEntries']);
      assert.ok(size.files + size.directories <= 100);
    });

    it('stops at the depth limit and says the result is partial', async () => {
      await fs.writeFile(path.join(big, 'top.bin'), Buffer.alloc(10));
      try {
        const size = await measureDataSize([big], { maxDepth: 1 });
        assert.deepEqual(size.limitsHit, ['maxDepth']);
        assert.equal(size.partial, true);
        assert.equal(size.files, 1, 'only the files directly in the root');
        assert.equal(size.bytes, 10);
        assert.equal(size.directories, 1 + DIRS, 'subfolders are seen but not entered');
      } finally {
        await fs.rm(path.join(big, 'top.bin'));
      }
    });
  });

  it('skips unreadable folders and counts them', async () => {
    const root = await tree('locked', { 'open.bin': 10, 'locked/hidden.bin': 1000 });
    await fs.chmod(tmp, 0o755);
    await fs.chmod(path.join(root, 'locked'), 0o000);
    try {
      const size = process.getuid?.() === 0 ? measureAsNobody(root) : await measureDataSize([root]);
      assert.equal(size.skipped, 1);
      assert.equal(size.bytes, 10);
      assert.equal(size.files, 1);
    } finally {
      await fs.chmod(path.join(root, 'locked'), 0o755);
    }
  });
});

/** Root reads everything, so the walk runs in a child process that dropped to `nobody`. */
function measureAsNobody(root: string): DataSize {
  const script = path.join(__dirname, 'fixtures', 'measure.ts');
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, root], {
    cwd: path.resolve(__dirname, '../../..'),
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 0, `child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as DataSize;
}

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import {
  CACHE_AGENT_CODE,
  CACHE_FREE_SPACE_RATIO,
  CacheCode,
  cacheFolderError,
  checkCacheFolder,
  type CacheCheckName,
  type CacheFolderReport,
} from '../../../src/core/cache/checkFolder';
import { isUncPath } from '../../../src/core/cache/refusedPaths';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { LocalTarget } from '../../../src/core/target/local';
import { overriding } from '../../support/targets';
import { mountTmpfs, mountUnavailableReason, type Mount } from './tmpfs';

const MiB = 1024 * 1024;

function check(report: CacheFolderReport, name: CacheCheckName) {
  const found = report.checks.find((c) => c.check === name);
  assert.ok(found, `no ${name} check`);
  return found;
}

/** `name` failed with `code` and every later check was skipped. */
function assertFailed(report: CacheFolderReport, name: CacheCheckName, code: string) {
  const failed = check(report, name);
  assert.equal(report.ok, false);
  assert.ok(failed.status === 'failed' && failed.code === code, inspect(report, { depth: 5 }));
  for (const later of report.checks.slice(report.checks.indexOf(failed) + 1)) assert.equal(later.status, 'skipped');
  return failed;
}

describe('cache folder check', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cache-check-'));
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  it('creates a missing folder with mode 0700 and passes every check', async () => {
    const folder = path.join(tmp, 'a', 'b', 'Scratch');
    const report = await checkCacheFolder(folder, { dataSizeBytes: 10 * MiB });
    assert.equal(report.ok, true, inspect(report, { depth: 5 }));
    assert.equal(report.created, true);
    assert.deepEqual(
      report.checks.map((c) => [c.check, c.status]),
      [
        ['absolute', 'ok'],
        ['local', 'ok'],
        ['exists', 'ok'],
        ['writable', 'ok'],
        ['freeSpace', 'ok'],
      ],
    );
    assert.equal((await fs.stat(folder)).mode & 0o777, 0o700);
    assert.deepEqual(await fs.readdir(folder), [], 'the write probe is removed');
    assert.equal(report.requiredBytes, Math.ceil(10 * MiB * CACHE_FREE_SPACE_RATIO));
    assert.ok((report.availableBytes ?? 0) > 0);
    assert.equal(cacheFolderError(report), undefined);
  });

  it('accepts an existing folder without re-creating it', async () => {
    const report = await checkCacheFolder(tmp, { dataSizeBytes: 0 });
    assert.equal(report.ok, true);
    assert.equal(report.created, false);
    assert.equal(check(report, 'exists').params.created, false);
  });

  it('refuses a relative path before touching the disk', async () => {
    const report = await checkCacheFolder('relative/Scratch', { dataSizeBytes: MiB });
    assertFailed(report, 'absolute', CacheCode.NotAbsolute);
    const err = cacheFolderError(report);
    assert.ok(isSetupError(err, CacheCode.NotAbsolute) && err.params.folder === 'relative/Scratch');
  });

  it('refuses a UNC path as not local', async () => {
    for (const unc of ['\\\\fileserver\\backup\\Scratch', '//fileserver/backup/Scratch']) {
      const report = await checkCacheFolder(unc, { dataSizeBytes: MiB });
      assert.equal(check(report, 'absolute').status, 'ok');
      assert.equal(assertFailed(report, 'local', CacheCode.NotLocal).params.reason, 'unc');
    }
  });

  it('refuses folders under /proc and /sys', async () => {
    for (const folder of ['/proc/scratch', '/sys/kernel/scratch']) {
      const report = await checkCacheFolder(folder, { dataSizeBytes: MiB });
      assert.equal(assertFailed(report, 'local', CacheCode.NotLocal).params.reason, 'virtual');
    }
  });

  it('refuses a path that is a file', async () => {
    const file = path.join(tmp, 'not-a-folder');
    await fs.writeFile(file, 'x');
    const failed = assertFailed(await checkCacheFolder(file, { dataSizeBytes: MiB }), 'exists', CacheCode.NotCreatable);
    assert.equal(failed.params.reason, 'not-a-directory');
  });

  it('throws CancelledError when cancelled', async () => {
    await assert.rejects(checkCacheFolder(tmp, { dataSizeBytes: MiB, signal: AbortSignal.abort() }), CancelledError);
  });

  describe('on small tmpfs volumes', function () {
    const mounts: Mount[] = [];
    before(async function () {
      const reason = await mountUnavailableReason();
      if (reason) {
        console.warn(`    skipping the tmpfs tests: ${reason}`);
        this.skip();
      }
    });
    afterEach(async () => {
      // Unmount even when the test failed, or the next run finds a busy temp folder.
      for (const mount of mounts.splice(0)) await mount.unmount();
    });
    async function mount(options: { sizeBytes: number; readOnly?: boolean }) {
      const m = await mountTmpfs(options);
      mounts.push(m);
      return m.dir;
    }

    it('reports a read-only volume as not writable', async () => {
      const dir = await mount({ sizeBytes: MiB, readOnly: true });
      const failed = assertFailed(await checkCacheFolder(dir, { dataSizeBytes: MiB }), 'writable', CacheCode.NotWritable);
      assert.equal(failed.params.errorCode, 'EROFS');
    });

    it('reports a folder that cannot be created there as not creatable', async () => {
      const dir = await mount({ sizeBytes: MiB, readOnly: true });
      const failed = assertFailed(await checkCacheFolder(path.join(dir, 'Scratch'), { dataSizeBytes: MiB }), 'exists', CacheCode.NotCreatable);
      assert.equal(failed.params.errorCode, 'EROFS');
    });

    it('reports too little free space for 5% of the data, with both figures and the agent code', async () => {
      const dir = await mount({ sizeBytes: MiB });
      const folder = path.join(dir, 'Scratch');
      const report = await checkCacheFolder(folder, { dataSizeBytes: 100 * MiB });
      const failed = assertFailed(report, 'freeSpace', CacheCode.TooSmall);
      assert.equal(failed.params.agentCode, CACHE_AGENT_CODE);
      assert.equal(failed.params.requiredBytes, 5 * MiB);
      assert.ok(Number(failed.params.availableBytes) <= MiB);
      assert.equal(report.availableBytes, failed.params.availableBytes);
      assert.equal(report.fileSystem, 'tmpfs', 'tmpfs counts as local');
      await assert.rejects(fs.stat(folder), { code: 'ENOENT' }, 'the folder it created for a failed check is removed');

      const fits = await checkCacheFolder(folder, { dataSizeBytes: 10 * 1024 });
      assert.equal(fits.ok, true, inspect(fits, { depth: 5 }));
    });
  });
});

describe('refused cache folder paths', () => {
  it('recognises UNC paths in both slash styles, and nothing else', () => {
    assert.equal(isUncPath('\\\\server\\share'), true);
    assert.equal(isUncPath('//server/share/dir'), true);
    for (const local of ['C:\\Scratch', '/var/cache', '\\\\server', '//', 'relative']) assert.equal(isUncPath(local), false, local);
  });
});

describe('cache folder check on a target', () => {
  it('runs every check through the target it is given', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cache-target-'));
    try {
      const calls: string[] = [];
      const local = new LocalTarget();
      const nfs = overriding(local, {
        isLocal: false,
        freeSpace: async (p: string) => {
          calls.push(`freeSpace ${p}`);
          return { ...(await local.freeSpace(p)), fileSystem: { name: 'nfs', kind: 'network' as const } };
        },
      });
      const failed = assertFailed(await checkCacheFolder(path.join(tmp, 'Scratch'), { dataSizeBytes: MiB, target: nfs }), 'local', CacheCode.NotLocal);
      assert.equal(failed.params.fileSystem, 'nfs');
      assert.deepEqual(calls, [`freeSpace ${tmp}`]);
      await assert.rejects(fs.stat(path.join(tmp, 'Scratch')), { code: 'ENOENT' }, 'nothing is created on a refused volume');
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a link in place of the folder', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cache-link-'));
    try {
      await fs.mkdir(path.join(tmp, 'real'));
      await fs.symlink(path.join(tmp, 'real'), path.join(tmp, 'Scratch'));
      assertFailed(await checkCacheFolder(path.join(tmp, 'Scratch'), { dataSizeBytes: MiB }), 'exists', CacheCode.NotCreatable);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

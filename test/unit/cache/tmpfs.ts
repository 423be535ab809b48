/**
 * Small tmpfs mounts for the cache folder tests (a read-only volume, a nearly full one). Needs
 * root; `mountUnavailableReason` says why not otherwise, so the tests can skip saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, ftruncateSync, openSync, promises as fs, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Mount {
  dir: string;
  unmount(): Promise<void>;
}

export async function mountTmpfs(options: { sizeBytes: number; readOnly?: boolean }): Promise<Mount> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cache-tmpfs-'));
  const flags = [`size=${options.sizeBytes}`, ...(options.readOnly ? ['ro'] : [])].join(',');
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', flags, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) {
    await fs.rmdir(dir);
    throw new Error(`mount failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  return {
    dir,
    async unmount() {
      const umount = spawnSync('umount', [dir], { encoding: 'utf8' });
      if (umount.status !== 0) throw new Error(`umount ${dir} failed: ${umount.stderr.trim()}`);
      await fs.rmdir(dir);
    },
  };
}

/** Why tmpfs mounts cannot be made here, or undefined when they can (tries one). */
export async function mountUnavailableReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    await (await mountTmpfs({ sizeBytes: 64 * 1024 })).unmount();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Fills the file system `dir` is on until it refuses, then frees `roomBytes` (whole pages, as
 * tmpfs counts them), and returns the filler to delete.
 */
export function fill(dir: string, roomBytes = 0): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = chunk.length; size > 0; ) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
        size = size >> 1; // then smaller writes spend the last partial chunk
      }
    }
    if (roomBytes > 0) ftruncateSync(fd, fstatSync(fd).size - roomBytes);
  } finally {
    closeSync(fd);
  }
  return filler;
}

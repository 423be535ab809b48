/**
 * Small tmpfs mounts for the cache folder tests (a read-only volume, a nearly full one). Needs
 * root; `mountUnavailableReason` says why not otherwise, so the tests can skip saying so.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
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

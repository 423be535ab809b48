import { randomBytes } from 'node:crypto';
import { promises as fs, constants } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the result; secrets use 0o600. */
  mode?: number;
  /** Refuse to replace an existing file (passphrase files are never silently overwritten). */
  exclusive?: boolean;
}

/**
 * Writes a file so that a reader (or a crash, or `kill -9`) sees either the old content or the
 * whole new one: write a private temp file in the same folder, fsync it, rename it over the
 * target, fsync the folder. The temp file is created with the final mode, so a secret is never
 * readable by others even for an instant.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o644;
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the umask may have narrowed or widened the create mode
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      // link() fails with EEXIST instead of replacing, which makes "never overwrite" race-free.
      await fs.link(tmp, file);
      await fs.unlink(tmp);
    } else {
      await fs.rename(tmp, file);
    }
  } catch (err) {
    // Whatever failed (a full disk mid-write, an existing file), leave nothing behind.
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { writeFileAtomic } from '../fs/atomic';
import type { CommandResult, FreeSpace, HostFacts, RunOptions, Target, TargetStat, WriteOptions } from './target';

/** Reads the distribution's name and version from /etc/os-release where there is one. */
async function osRelease(): Promise<{ name: string; version: string } | undefined> {
  try {
    const text = await fs.readFile('/etc/os-release', 'utf8');
    const field = (key: string) => new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
    const name = field('NAME');
    return name ? { name, version: field('VERSION_ID') ?? field('VERSION') ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

function kindOf(s: import('node:fs').Stats): TargetStat['kind'] {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isDirectory()) return 'directory';
  if (s.isFile()) return 'file';
  return 'other';
}

/** The machine this code runs on: "this server". */
export class LocalTarget implements Target {
  readonly id = 'local';
  readonly isLocal = true;
  readonly pathStyle = process.platform === 'win32' ? 'win32' : 'posix';

  /** Read once: a registration asks several times, and none of it changes while we run. */
  #facts: Promise<HostFacts> | undefined;

  constructor(readonly label = 'this server') {}

  facts(): Promise<HostFacts> {
    this.#facts ??= this.readFacts();
    return this.#facts;
  }

  private async readFacts(): Promise<HostFacts> {
    const release = await osRelease();
    return {
      hostname: os.hostname(),
      platform: process.platform,
      arch: process.arch,
      osName: release?.name ?? os.type(),
      osVersion: release?.version ?? os.release(),
      homeDir: os.homedir(),
      isAdmin: typeof process.getuid === 'function' ? process.getuid() === 0 : false,
    };
  }

  async stat(path: string): Promise<TargetStat | undefined> {
    try {
      const s = await fs.lstat(path);
      return { kind: kindOf(s), size: s.size, mode: s.mode & 0o777 };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async readFile(path: string, maxBytes: number): Promise<Buffer> {
    const handle = await fs.open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw Object.assign(new Error(`${path} is larger than ${maxBytes} bytes`), { code: 'EFBIG' });
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    return writeFileAtomic(path, data, options);
  }

  /** mkdir -p one level at a time: node's recursive mkdir reports ENOENT for EROFS, EACCES and the like. */
  async mkdir(path: string, mode = 0o755): Promise<void> {
    const missing: string[] = [];
    for (let dir = nodePath.resolve(path); !(await this.stat(dir)); dir = nodePath.dirname(dir)) {
      missing.unshift(dir);
      if (nodePath.dirname(dir) === dir) break;
    }
    for (const dir of missing) {
      await fs.mkdir(dir, { mode }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
  }

  readdir(path: string): Promise<string[]> {
    return fs.readdir(path);
  }

  rename(from: string, to: string): Promise<void> {
    return fs.rename(from, to);
  }

  symlink(linkTarget: string, path: string): Promise<void> {
    return fs.symlink(linkTarget, path);
  }

  remove(path: string): Promise<void> {
    return fs.rm(path, { recursive: true, force: true });
  }

  async freeSpace(path: string): Promise<FreeSpace> {
    const s = await fs.statfs(path);
    return { availableBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize, fsType: s.type };
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return new Promise((resolve) => {
      const child = execFile(
        command,
        args,
        {
          cwd: options.cwd,
          env: { ...process.env, ...options.env },
          timeout: options.timeoutMs ?? 60_000,
          signal: options.signal,
          maxBuffer: 16 * 1024 * 1024,
          windowsHide: true,
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      // A command that exits without reading its stdin closes the pipe before this write: the
      // EPIPE says nothing the exit code does not, and unhandled it would crash the process.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}

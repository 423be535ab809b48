import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { writeFileAtomic } from '../fs/atomic';
import { fileSystemOfMagic } from './posix/fileSystems';
import { fileMode, folderMode, isPrivateMode } from './posix/modes';
import { DEFAULT_RUN_TIMEOUT_MS, MAX_OUTPUT_BYTES, stoppedOutcome, type CommandOutcome, type StopReason, type CommandResult, type FreeSpace, type HostFacts, type PrivacyOptions, type Reach, type RunOptions, type Target, type TargetStat, type WriteOptions } from './target';

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
      elevated: typeof process.getuid === 'function' ? process.getuid() === 0 : false,
      ...(process.env.BACKUP_AGENT_RECORD_DIR ? { recordDir: process.env.BACKUP_AGENT_RECORD_DIR } : {}),
    };
  }

  async stat(path: string): Promise<TargetStat | undefined> {
    try {
      const s = await fs.lstat(path);
      return { kind: kindOf(s), size: s.size, private: isPrivateMode(s.mode) };
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
    return writeFileAtomic(path, data, { mode: fileMode(options), exclusive: options.exclusive });
  }

  /** mkdir -p one level at a time: node's recursive mkdir reports ENOENT for EROFS, EACCES and the like. */
  async mkdir(path: string, options?: PrivacyOptions): Promise<void> {
    const mode = folderMode(options);
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
    return { availableBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize, fileSystem: fileSystemOfMagic(s.type) };
  }

  /** This machine sees what it sees: the same address, nothing to open or close. */
  async reach(host: string, port: number): Promise<Reach> {
    return { host, port, close: async () => undefined };
  }

  /**
   * Runs `command` without a shell. On POSIX it leads its own process group, so a time-out or an
   * abort stops everything it started (SIGKILL to the group, as SshTarget does): a script's
   * children would otherwise hold its output open, and the answer would wait for them.
   */
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    if (options.signal?.aborted) return Promise.resolve({ outcome: { kind: 'aborted' }, stdout: '', stderr: '' });
    return new Promise((resolve) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      const stdout = capped(child.stdout);
      const stderr = capped(child.stderr);
      if (options.onStderr) child.stderr.on('data', (d: Buffer) => options.onStderr!(d.toString('utf8')));
      let stoppedBy: StopReason | undefined;
      const stop = (reason: StopReason) => {
        stoppedBy ??= reason;
        killProcessGroup(child);
      };
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const onAbort = () => stop('abort');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (outcome: CommandOutcome) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ outcome, stdout: stdout.text(), stderr: stderr.text() });
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        // Only a failed start settles here; a later error (a failed kill) still ends in 'close'.
        if (child.pid !== undefined) return;
        settle(err.code === 'ENOENT' ? { kind: 'notFound' } : { kind: 'notStarted', errno: err.code ?? 'EIO' });
      });
      // How the child itself ended, if it did before it was stopped. Something it left running
      // may hold the output open past that: the close waits for it (or for the time-out's kill).
      let ended: { code: number | null; signal: string | null } | undefined;
      child.on('exit', (code, signal) => {
        if (!stoppedBy) ended = { code, signal };
      });
      child.on('close', () => {
        if (child.pid === undefined) return;
        if (stoppedBy && !ended) settle(stoppedOutcome(stoppedBy, timeoutMs));
        else if (ended?.code != null) settle({ kind: 'exited', code: ended.code });
        else settle({ kind: 'signal', signal: ended?.signal ?? 'unknown' });
      });
      // A command that exits without reading its stdin closes the pipe before this write: the
      // EPIPE says nothing the exit code does not, and unhandled it would crash the process.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}

/** A stream's output as text, keeping at most MAX_OUTPUT_BYTES (the rest is read and dropped). */
function capped(stream: NodeJS.ReadableStream): { text(): string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  stream.on('data', (chunk: Buffer) => {
    if (kept >= MAX_OUTPUT_BYTES) return;
    chunks.push(chunk);
    kept += chunk.length;
  });
  return { text: () => Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString('utf8') };
}

/** SIGKILL to the child's process group (the child alone on Windows, which has no groups). */
function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill();
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // no such group (any more): the child at least, if it still runs
  }
}

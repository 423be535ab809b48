/**
 * A server reached over SSH as a Target: files through one lazily opened SFTP session, commands
 * through exec, all on one connection. Failures carry the errno codes core reads for a local
 * file, so core behaves the same on either. A dropped connection fails the call under way and
 * every later one with SshCode.ConnectionLost.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ClientChannel } from 'ssh2';
import { CancelledError, isSetupError, SetupError } from '../../errors';
import type { Logger } from '../../log';
import { DEFAULT_RUN_TIMEOUT_MS, MAX_OUTPUT_BYTES, stoppedOutcome, type CommandOutcome, type StopReason, type CommandResult, type FreeSpace, type HostFacts, type Reach, type RunOptions, type Target, type TargetStat, type WriteOptions } from '../target';
import type { SshConnection } from './connect';
import { sshError } from './errors';
import { reachThroughServer } from './forward';
import { errnoError, kindOf, Sftp } from './sftp';
import { commandLine, FACTS_SCRIPT, parseFacts } from './shell';
import { SshCode, type SshDestination } from './types';

const posix = path.posix;
const CHUNK_BYTES = 32 * 1024;
/** Writes in flight at once: one round trip per chunk would make a large file crawl. */
const WRITES_IN_FLIGHT = 16;

/** Writes `bytes` from offset 0, up to WRITES_IN_FLIGHT chunk requests outstanding; the first failure wins. */
async function writePipelined(sftp: Sftp, handle: Buffer, file: string, bytes: Uint8Array): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < bytes.length) {
      const at = next;
      next += CHUNK_BYTES;
      await sftp.write(handle, file, bytes.subarray(at, at + CHUNK_BYTES), at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, Math.ceil(bytes.length / CHUNK_BYTES)) }, lane));
}

/** The errno a failed shell tool's message names (rm, ln, mv print strerror). */
function errnoFromMessage(stderr: string): string {
  if (/Permission denied/i.test(stderr)) return 'EACCES';
  if (/Operation not permitted/i.test(stderr)) return 'EPERM';
  if (/Read-only file system/i.test(stderr)) return 'EROFS';
  if (/No space left/i.test(stderr)) return 'ENOSPC';
  if (/File exists/i.test(stderr)) return 'EEXIST';
  if (/No such file/i.test(stderr)) return 'ENOENT';
  return 'EIO';
}

export class SshTarget implements Target {
  readonly id: string;
  readonly label: string;
  readonly isLocal = false;
  readonly pathStyle = 'posix' as const;

  #sftp: Promise<Sftp> | undefined;
  #facts: Promise<HostFacts> | undefined;
  #closed = false;
  /** Set when the connection ends; every pending and later call fails with it. */
  #lost = false;
  readonly #lostListeners = new Set<() => void>();

  constructor(
    readonly destination: SshDestination,
    private readonly connection: SshConnection,
    private readonly logger: Logger,
  ) {
    const { user, host, port } = destination;
    this.id = `ssh://${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.label = destination.name && destination.name !== host && !destination.name.includes('@') ? destination.name : `${user}@${host}`;
    const onEnd = () => {
      if (this.#lost) return;
      this.#lost = true;
      if (!this.#closed) logger.warn(`SSH: the connection to ${this.label} was lost.`);
      for (const listener of this.#lostListeners) listener();
    };
    connection.client.on('close', onEnd);
    connection.client.on('end', onEnd);
    connection.client.on('error', (err) => logger.debug(`SSH: ${this.label}: ${err.message}`));
  }

  #lostError(during: string): SetupError {
    return sshError(SshCode.ConnectionLost, { host: this.destination.host, port: this.destination.port, during });
  }

  /** Runs `work`, failing it at once with ConnectionLost when the connection ends first. */
  async #guard<T>(during: string, work: () => Promise<T>): Promise<T> {
    if (this.#lost) throw this.#lostError(during);
    let onLost: () => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (onLost = () => reject(this.#lostError(during))));
    this.#lostListeners.add(onLost);
    try {
      return await Promise.race([work(), lost]);
    } catch (err) {
      // A channel failure that the close event has not reported yet is the same loss.
      if (!this.#lost && !(err instanceof Error && 'code' in err) && !isSetupError(err)) await new Promise((r) => setImmediate(r));
      if (this.#lost && !isSetupError(err, SshCode.ConnectionLost) && !(err instanceof CancelledError)) throw this.#lostError(during);
      throw err;
    } finally {
      this.#lostListeners.delete(onLost);
    }
  }

  #session(): Promise<Sftp> {
    this.#sftp ??= new Promise<Sftp>((resolve, reject) => {
      this.connection.client.sftp((err, wrapper) => {
        if (err) reject(this.#lost ? this.#lostError('sftp') : sshError(SshCode.SftpUnavailable, { host: this.destination.host, port: this.destination.port, reason: err.message }, err));
        else resolve(new Sftp(wrapper));
      });
    });
    // A failed attempt is not cached: the next call asks again (or reports the loss).
    this.#sftp.catch(() => (this.#sftp = undefined));
    return this.#sftp;
  }

  #files<T>(during: string, work: (sftp: Sftp) => Promise<T>): Promise<T> {
    return this.#guard(during, async () => work(await this.#session()));
  }

  facts(signal?: AbortSignal): Promise<HostFacts> {
    this.#facts ??= this.run('/bin/sh', ['-c', FACTS_SCRIPT], { signal }).then((result) => {
      if (result.code !== 0) throw new Error(`The host facts script failed on ${this.label} (exit ${result.code}): ${result.stderr.trim().slice(0, 200)}`);
      return parseFacts(result.stdout);
    });
    this.#facts.catch(() => (this.#facts = undefined));
    return this.#facts;
  }

  stat(file: string): Promise<TargetStat | undefined> {
    return this.#files('stat', async (sftp) => {
      try {
        const attrs = await sftp.lstat(file);
        return { kind: kindOf(attrs), size: attrs.size, mode: attrs.mode & 0o777 };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    });
  }

  readFile(file: string, maxBytes: number): Promise<Buffer> {
    return this.#files('readFile', async (sftp) => {
      const handle = await sftp.open(file, 'r');
      try {
        const { size } = await sftp.fstat(handle, file);
        if (size > maxBytes) throw Object.assign(new Error(`${file} is larger than ${maxBytes} bytes`), { code: 'EFBIG' });
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
          const buffer = Buffer.alloc(CHUNK_BYTES);
          const n = await sftp.read(handle, file, buffer, total);
          if (n === 0) break;
          total += n;
          // The file may have grown since fstat.
          if (total > maxBytes) throw Object.assign(new Error(`${file} is larger than ${maxBytes} bytes`), { code: 'EFBIG' });
          chunks.push(buffer.subarray(0, n));
        }
        return Buffer.concat(chunks);
      } finally {
        await sftp.close(handle, file).catch(() => undefined);
      }
    });
  }

  writeFileAtomic(file: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    const mode = options.mode ?? 0o644;
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const tmp = posix.join(posix.dirname(file), `.${posix.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    return this.#files('writeFileAtomic', async (sftp) => {
      // Created exclusively with its final mode: the data is never readable by others.
      const handle = await sftp.open(tmp, 'wx', { mode });
      try {
        try {
          await writePipelined(sftp, handle, tmp, bytes);
          await sftp.fchmod(handle, tmp, mode); // the server's umask may have narrowed the create mode
          if (sftp.has('fsync@openssh.com')) await sftp.fsync(handle, tmp, bytes.length);
        } finally {
          await sftp.close(handle, tmp, bytes.length);
        }
        if (options.exclusive) await this.#linkNew(sftp, tmp, file);
        else await this.#replace(sftp, tmp, file);
      } catch (err) {
        await sftp.unlink(tmp).catch(() => undefined);
        throw err;
      }
    });
  }

  /** link(2) then unlink: an existing `file` fails with EEXIST instead of being replaced. */
  async #linkNew(sftp: Sftp, tmp: string, file: string): Promise<void> {
    if (sftp.has('hardlink@openssh.com')) {
      try {
        await sftp.hardlink(tmp, file);
      } catch (err) {
        if (await sftp.lstat(file).then(() => true, () => false)) throw errnoError('EEXIST', 'link', file, err);
        throw err;
      }
    } else {
      await this.#shell('link', ['ln', '--', tmp, file], file);
    }
    await sftp.unlink(tmp);
  }

  /** rename(2), which replaces an existing `to` atomically. */
  async #replace(sftp: Sftp, from: string, to: string): Promise<void> {
    if (sftp.has('posix-rename@openssh.com')) await sftp.posixRename(from, to);
    else await this.#shell('rename', ['mv', '-f', '--', from, to], to);
  }

  /** A coreutils call whose failure becomes an errno error. */
  async #shell(syscall: string, argv: string[], file: string): Promise<void> {
    const result = await this.run(argv[0], argv.slice(1));
    if (result.code !== 0) throw errnoError(errnoFromMessage(result.stderr), syscall, file);
  }

  /** mkdir -p one level at a time, so a failure names its real cause (as LocalTarget does). */
  mkdir(dir: string, mode = 0o755): Promise<void> {
    return this.#files('mkdir', async (sftp) => {
      const missing: string[] = [];
      for (let at = posix.resolve(dir); !(await this.stat(at)); at = posix.dirname(at)) {
        missing.unshift(at);
        if (posix.dirname(at) === at) break;
      }
      for (const folder of missing) {
        await sftp.mkdir(folder, mode).catch(async (err: NodeJS.ErrnoException) => {
          // SFTP reports an existing folder as a bare failure.
          if ((await this.stat(folder))?.kind === 'directory') return;
          throw err;
        });
      }
    });
  }

  readdir(dir: string): Promise<string[]> {
    return this.#files('readdir', (sftp) => sftp.readdir(dir));
  }

  rename(from: string, to: string): Promise<void> {
    return this.#files('rename', (sftp) => this.#replace(sftp, from, to));
  }

  symlink(linkTarget: string, file: string): Promise<void> {
    return this.#files('symlink', async (sftp) => {
      try {
        await sftp.symlink(linkTarget, file);
      } catch (err) {
        if (await sftp.lstat(file).then(() => true, () => false)) throw errnoError('EEXIST', 'symlink', file, err);
        throw err;
      }
    });
  }

  async remove(file: string): Promise<void> {
    // A file or a link goes with one SFTP request; only a folder needs a shell (`rm -rf`).
    const kind = (await this.stat(file))?.kind;
    if (kind === undefined) return;
    if (kind !== 'directory') {
      const gone = await this.#files('remove', async (sftp) => sftp.unlink(file).then(() => true, (err: NodeJS.ErrnoException) => err.code === 'ENOENT'));
      if (gone) return;
    }
    return this.#shell('rm', ['rm', '-rf', '--', file], file);
  }

  freeSpace(file: string): Promise<FreeSpace> {
    return this.#files('freeSpace', async (sftp) => {
      const [space, type] = await Promise.all([this.#space(sftp, file), this.run('stat', ['-f', '-c', '%t %T', '--', file])]);
      // GNU stat prints the statfs magic in hex and its name; other systems' stat differ: no type then.
      const match = type.code === 0 ? /^([0-9a-f]+) (\S+)/i.exec(type.stdout.trim()) : null;
      return match ? { ...space, fsType: parseInt(match[1], 16), fsTypeName: match[2] } : space;
    });
  }

  async #space(sftp: Sftp, file: string): Promise<FreeSpace> {
    if (sftp.has('statvfs@openssh.com')) {
      const vfs = await sftp.statvfs(file);
      return { availableBytes: vfs.f_bavail * vfs.f_frsize, totalBytes: vfs.f_blocks * vfs.f_frsize };
    }
    const df = await this.run('df', ['-Pk', '--', file]);
    const fields = df.stdout.trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
    if (df.code !== 0 || fields.length < 4) throw errnoError(errnoFromMessage(df.stderr), 'statfs', file);
    return { availableBytes: Number(fields[3]) * 1024, totalBytes: Number(fields[1]) * 1024 };
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (options.signal?.aborted) return Promise.resolve({ code: null, outcome: { kind: 'aborted' }, stdout: '', stderr: '' });
    const line = commandLine(command, args, { ...options, withPid: true });
    return this.#guard(command, async () => {
      const result = await this.#exec(line, (channel) => collect(channel, options, (pid) => this.#killGroup(pid)));
      // A session that ended without an exit status, on a connection that then reports its loss: the same loss.
      if (result.outcome.kind === 'connectionLost') await new Promise((r) => setImmediate(r));
      if (result.outcome.kind === 'connectionLost' && this.#lost) throw this.#lostError(command);
      return result;
    });
  }

  reach(host: string, port: number, signal?: AbortSignal): Promise<Reach> {
    return this.#guard('reach', () => reachThroughServer(this.connection.client, host, port, { server: this.destination, logger: this.logger, signal }));
  }

  #exec<T>(line: string, use: (channel: ClientChannel) => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.connection.client.exec(line, (err, channel) => {
        if (err) return reject(err);
        use(channel).then(resolve, reject);
      });
    });
  }

  /** SIGKILL to a command's process group (sshd makes each session command a group leader). */
  #killGroup(pid: number): void {
    if (this.#lost) return;
    this.#exec(commandLine('kill', ['-KILL', '--', `-${pid}`], { withPid: true }), (channel) => collect(channel, {}, () => undefined)).catch((err: Error) =>
      this.logger.debug(`SSH: could not stop process group ${pid} on ${this.label}: ${err.message}`),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.connection.end();
  }
}

/**
 * Feeds stdin, gathers the output (capped), and resolves with the outcome once the channel
 * closes. The command line first prints its process id on stderr (commandLine's `withPid`),
 * taken off here: a time-out or abort kills that process group through `kill`, then closes
 * the channel (code null), as LocalTarget does. (sshd refuses SSH "signal" requests for root
 * logins, so the channel alone cannot stop the command.)
 */
function collect(channel: ClientChannel, options: RunOptions, kill: (pid: number) => void): Promise<CommandResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let pidLine: Buffer | undefined = Buffer.alloc(0);
    let pid: number | undefined;
    let exit: { code: number | null; signal?: string } | undefined;
    let stoppedBy: StopReason | undefined;
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const stop = (reason: StopReason) => {
      stoppedBy ??= reason;
      if (pid !== undefined) kill(pid);
      channel.close();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (d: Buffer) => {
      if (outBytes < MAX_OUTPUT_BYTES) out.push(d);
      outBytes += d.length;
    });
    channel.stderr.on('data', (d: Buffer) => {
      if (pidLine) {
        pidLine = Buffer.concat([pidLine, d]);
        const newline = pidLine.indexOf(10);
        if (newline < 0) return;
        pid = Number(pidLine.subarray(0, newline).toString()) || undefined;
        d = pidLine.subarray(newline + 1);
        pidLine = undefined;
      }
      if (errBytes < MAX_OUTPUT_BYTES) err.push(d);
      errBytes += d.length;
      if (d.length > 0) options.onStderr?.(d.toString('utf8'));
    });
    // ssh2: (code) for an exit status, (null, 'SIGKILL', …) for an exit signal.
    channel.on('exit', (exitCode: number | null, signal?: string) => {
      if (!stoppedBy) exit = { code: typeof exitCode === 'number' ? exitCode : null, signal };
    });
    channel.on('close', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const text = (parts: Buffer[]) => Buffer.concat(parts).subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
      const outcome = stoppedBy && !exit ? stoppedOutcome(stoppedBy, timeoutMs) : remoteOutcome(exit);
      resolve({ code: exit?.code ?? null, outcome, stdout: text(out), stderr: text(err) });
    });
    channel.end(options.stdin ?? '');
  });
}

/**
 * What the exit status of `exec 'command' …` means. POSIX has the shell exit 127 when the
 * command is not found and 126 when it is found but cannot run; once exec succeeds, the status
 * is the program's own. No status at all: the session ended under the command.
 */
function remoteOutcome(exit: { code: number | null; signal?: string } | undefined): CommandOutcome {
  if (exit?.code === 127) return { kind: 'notFound' };
  if (exit?.code === 126) return { kind: 'notStarted', errno: 'EACCES' };
  if (typeof exit?.code === 'number') return { kind: 'exited', code: exit.code };
  if (exit?.signal) return { kind: 'signal', signal: exit.signal };
  return { kind: 'connectionLost' };
}

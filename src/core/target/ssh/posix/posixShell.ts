/**
 * The POSIX remote shell: commands run through `exec` with every word single-quoted, stopped by
 * killing their process group, and the coreutils (`ln`, `mv`, `rm`, `stat`, `df`, `kill`) for
 * what SFTP cannot do. A failed tool's message becomes the errno core reads for a local file.
 */
import { fileSystemOfMagic, UNKNOWN_FILE_SYSTEM } from '../../posix/fileSystems';
import { DEFAULT_RUN_TIMEOUT_MS, describeOutcome, exitCode, stoppedOutcome, type CommandOutcome, type CommandResult, type FileSystem, type HostFacts, type RunOptions } from '../../target';
import type { ExecResult } from '../channel';
import type { RemoteShell } from '../remoteShell';
import { errnoError } from '../sftp';
import type { Exec } from '../transport';
import { FACTS_SCRIPT, parseFacts } from './facts';
import { commandLine } from './quoting';

/** The errno a failed shell tool's message names (rm, ln, mv and df print strerror). */
function errnoFromMessage(stderr: string): string {
  if (/Permission denied/i.test(stderr)) return 'EACCES';
  if (/Operation not permitted/i.test(stderr)) return 'EPERM';
  if (/Read-only file system/i.test(stderr)) return 'EROFS';
  if (/No space left/i.test(stderr)) return 'ENOSPC';
  if (/File exists/i.test(stderr)) return 'EEXIST';
  if (/No such file/i.test(stderr)) return 'ENOENT';
  return 'EIO';
}

/**
 * What the exit status of `exec 'command' …` means. POSIX has the shell exit 127 when the
 * command is not found and 126 when it is found but cannot run; once exec succeeds, the status
 * is the program's own. No status at all: the session ended under the command.
 */
function posixOutcome(exit: ExecResult['exit']): CommandOutcome {
  if (exit?.code === 127) return { kind: 'notFound' };
  if (exit?.code === 126) return { kind: 'notStarted', errno: 'EACCES' };
  if (typeof exit?.code === 'number') return { kind: 'exited', code: exit.code };
  if (exit?.signal) return { kind: 'signal', signal: exit.signal };
  return { kind: 'connectionLost' };
}

export class PosixShell implements RemoteShell {
  readonly name = 'POSIX';
  readonly pathStyle = 'posix' as const;

  sftpPath(file: string): string {
    return file;
  }

  /** `known`: the facts the probe read at connect, if it could. */
  constructor(
    private readonly channel: Exec,
    private readonly known?: HostFacts,
  ) {}

  async facts(signal?: AbortSignal): Promise<HostFacts> {
    if (this.known) return this.known;
    const result = await this.run('/bin/sh', ['-c', FACTS_SCRIPT], { signal });
    if (exitCode(result) !== 0) throw new Error(`The host facts script failed on ${this.channel.label} (${describeOutcome(result.outcome)}): ${result.stderr.trim().slice(0, 200)}`);
    return parseFacts(result.stdout);
  }

  /**
   * The command line first prints its shell's process id on stderr (which `exec` keeps): a
   * time-out or an abort kills that process group, as LocalTarget does.
   */
  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (options.signal?.aborted) return { outcome: { kind: 'aborted' }, stdout: '', stderr: '' };
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const line = commandLine(command, args, options);
    const result = await this.channel.exec(command, line, {
      stdin: options.stdin,
      onStderr: options.onStderr,
      timeoutMs,
      signal: options.signal,
      preamble: true,
      stop: (pid) => this.#killGroup(pid),
    });
    const outcome = result.stoppedBy ? stoppedOutcome(result.stoppedBy, timeoutMs) : posixOutcome(result.exit);
    return { outcome, stdout: result.stdout, stderr: result.stderr };
  }

  /** SIGKILL to a command's process group (sshd makes each session command a group leader). */
  #killGroup(pid: string | undefined): void {
    if (!pid || !/^\d+$/.test(pid)) return;
    this.run('kill', ['-KILL', '--', `-${pid}`]).catch((err: Error) => this.channel.logger.debug(`SSH: could not stop process group ${pid} on ${this.channel.label}: ${err.message}`));
  }

  /** A coreutils call whose failure becomes an errno error. */
  async #tool(syscall: string, argv: string[], file: string): Promise<void> {
    const result = await this.run(argv[0], argv.slice(1));
    if (exitCode(result) !== 0) throw errnoError(errnoFromMessage(result.stderr), syscall, file);
  }

  link(existing: string, file: string): Promise<void> {
    return this.#tool('link', ['ln', '--', existing, file], file);
  }

  rename(from: string, to: string): Promise<void> {
    return this.#tool('rename', ['mv', '-f', '--', from, to], to);
  }

  removeTree(folder: string): Promise<void> {
    return this.#tool('rm', ['rm', '-rf', '--', folder], folder);
  }

  /** GNU stat prints the statfs magic in hex; other systems' stat differ: unknown then. */
  async fileSystem(file: string): Promise<FileSystem> {
    const result = await this.run('stat', ['-f', '-c', '%t', '--', file]);
    const magic = exitCode(result) === 0 ? /^([0-9a-f]+)$/i.exec(result.stdout.trim()) : null;
    return magic ? fileSystemOfMagic(parseInt(magic[1], 16)) : UNKNOWN_FILE_SYSTEM;
  }

  async space(file: string): Promise<{ availableBytes: number; totalBytes: number }> {
    const df = await this.run('df', ['-Pk', '--', file]);
    const fields = df.stdout.trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
    if (exitCode(df) !== 0 || fields.length < 4) throw errnoError(errnoFromMessage(df.stderr), 'statfs', file);
    return { availableBytes: Number(fields[3]) * 1024, totalBytes: Number(fields[1]) * 1024 };
  }
}

/**
 * The Windows remote shell: every command is a PowerShell script run by powershell.exe, inline
 * as -EncodedCommand or, past cmd.exe's 8,191-character cap, as a script file (never one holding
 * a secret) run with -File. Secrets and file contents come on stdin as JSON; a script's answer is
 * its one result line (powershell/result.ts), never its CLIXML. The host under it carries the
 * bytes: an SSH session (ssh/windows/sshHost.ts) or a local child process (localHost.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../log';
import { Secret } from '../../secret';
import { encodedCommandArgs, fileArgs, commandPlan } from '../powershell/commandLine';
import type { PsCode } from '../powershell/code';
import { parsePsResult, type PsResult } from '../powershell/result';
import { stdinFor, type PsScript } from '../powershell/script';
import type { ExecOptions, ExecResult } from '../ssh/channel';
import type { RemoteShell } from '../ssh/remoteShell';
import { errnoError } from '../ssh/sftp';
import { DEFAULT_RUN_TIMEOUT_MS, stoppedOutcome, type CommandOutcome, type CommandResult, type FileSystem, type FreeSpace, type HostFacts, type RunOptions } from '../target';
import { toSftpPath } from './paths';
import { errnoOfPsError, fileSystemOfDrive, parseWindowsFacts, plainStderr, type WindowsFacts } from './results';
import { NOT_FOUND_EXIT, NOT_FOUND_MARKER, factsScript, linkScript, mkdirPrivateScript, removeTreeScript, renameScript, runScript, volumeScript, writePrivateScript } from './scripts';

/** What the Windows shell needs of the machine's side: powershell.exe runs, and a script file put down. */
export interface PowerShellHost {
  readonly label: string;
  readonly logger: Logger;
  /** Runs powershell.exe with `args` (over SSH: joined into the command line the default shell runs). */
  exec(during: string, args: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Writes `text` as a new script file at `file` (a Windows path), for a script too long to go inline. */
  putScript(file: string, text: string): Promise<void>;
  removeScript(file: string): Promise<void>;
  /** Stops the process tree of powershell.exe's process id (a time-out or an abort). */
  stopTree(pid: string): void;
}

/** What a script's run ended with: its result line, or why there is none. */
function scriptFailure(syscall: string, file: string, result: ExecResult, read: PsResult | undefined): Error {
  if (read && !read.ok) return errnoError(errnoOfPsError(read.error), syscall, file, new Error(read.error.message));
  const why = result.stoppedBy ? `stopped (${result.stoppedBy})` : `no result line (exit ${result.exit?.code ?? result.exit?.signal ?? 'status missing'})`;
  return errnoError('EIO', syscall, file, new Error(`${why}: ${plainStderr(result.stderr).trim().slice(0, 300)}`));
}

/** What a run's exit means: 9009 with the marker on stderr is the wrapper's "not found". */
function windowsOutcome(result: ExecResult): CommandOutcome {
  const { exit } = result;
  if (exit?.code === NOT_FOUND_EXIT && result.stderr.includes(NOT_FOUND_MARKER)) return { kind: 'notFound' };
  if (typeof exit?.code === 'number') return { kind: 'exited', code: exit.code };
  if (exit?.signal) return { kind: 'signal', signal: exit.signal };
  return { kind: 'connectionLost' };
}

export class WindowsShell implements RemoteShell {
  readonly name = 'Windows PowerShell';
  readonly pathStyle = 'win32' as const;

  #facts: Promise<WindowsFacts> | undefined;

  /** `known`: the facts the probe read at connect, if it could. */
  constructor(
    private readonly host: PowerShellHost,
    known?: WindowsFacts,
  ) {
    if (known) this.#facts = Promise.resolve(known);
  }

  sftpPath(file: string): string {
    return toSftpPath(file);
  }

  async facts(signal?: AbortSignal): Promise<HostFacts> {
    return (await this.#windowsFacts(signal)).host;
  }

  #windowsFacts(signal?: AbortSignal): Promise<WindowsFacts> {
    this.#facts ??= (async () => {
      const { result, read } = await this.script('facts', factsScript(), {}, { signal });
      const facts = read?.ok ? parseWindowsFacts(read.data) : undefined;
      if (!facts) throw scriptFailure('facts', this.host.label, result, read);
      return facts;
    })();
    this.#facts.catch(() => (this.#facts = undefined));
    return this.#facts;
  }

  /** Runs `code` inline, or as a file in the account's temporary folder when too long for a command line. */
  async #invoke(during: string, code: PsCode, options: ExecOptions): Promise<ExecResult> {
    const plan = commandPlan(code);
    if (plan.via === 'commandLine') return this.host.exec(during, encodedCommandArgs(code), options);
    const { temp } = await this.#windowsFacts(options.signal);
    const file = `${temp.replace(/\\?$/, '\\')}backup-agent-setup-${randomBytes(6).toString('hex')}.ps1`;
    const args = fileArgs(file);
    await this.host.putScript(file, code.text);
    try {
      return await this.host.exec(during, args, options);
    } finally {
      await this.host.removeScript(file).catch((err: Error) => this.host.logger.debug(`Windows: could not remove the script file ${file} on ${this.host.label}: ${err.message}`));
    }
  }

  /** A psScript with its stdin values, and its result line read back (undefined when there is none). */
  async script(during: string, script: PsScript, secrets: Readonly<Record<string, Secret>>, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ result: ExecResult; read: PsResult | undefined }> {
    const result = await this.#invoke(during, script.code, { stdin: stdinFor(script, secrets), timeoutMs: options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, signal: options.signal });
    return { result, read: result.stoppedBy ? undefined : parsePsResult(result.stdout, result.exit?.code ?? null) };
  }

  /** A file operation's script; its failure becomes the errno core reads for a local file. */
  async #fileOp(syscall: string, file: string, script: PsScript, secrets: Readonly<Record<string, Secret>> = {}): Promise<unknown> {
    const { result, read } = await this.script(syscall, script, secrets);
    if (!read?.ok) throw scriptFailure(syscall, file, result, read);
    return read.data;
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (options.signal?.aborted) return { outcome: { kind: 'aborted' }, stdout: '', stderr: '' };
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const result = await this.#invoke(command, runScript({ command, args, env: options.env, cwd: options.cwd }), {
      stdin: options.stdin,
      onStderr: options.onStderr,
      timeoutMs,
      signal: options.signal,
      preamble: true,
      stop: (pid) => {
        if (pid && /^\d+$/.test(pid.trim())) this.host.stopTree(pid.trim());
      },
    });
    const outcome = result.stoppedBy ? stoppedOutcome(result.stoppedBy, timeoutMs) : windowsOutcome(result);
    const stderr = plainStderr(result.stderr).split(/\r?\n/).filter((line) => line !== NOT_FOUND_MARKER).join('\n');
    return { outcome, stdout: result.stdout, stderr };
  }

  async link(existing: string, file: string): Promise<void> {
    await this.#fileOp('link', file, linkScript(existing, file));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.#fileOp('rename', to, renameScript(from, to));
  }

  async removeTree(folder: string): Promise<void> {
    await this.#fileOp('rm', folder, removeTreeScript(folder));
  }

  /**
   * A private file, made with its ACL before any byte is in it (a file made over SFTP would
   * inherit its folder's), replaced atomically or, `exclusive`, failing with EEXIST.
   */
  async writePrivate(file: string, data: Uint8Array, exclusive: boolean): Promise<void> {
    await this.#fileOp('open', file, writePrivateScript(file, { exclusive }), { content: new Secret(Buffer.from(data).toString('base64')) });
  }

  async mkdirPrivate(folder: string): Promise<void> {
    await this.#fileOp('mkdir', folder, mkdirPrivateScript(folder));
  }

  /** The drive's kind and, for a drive (not a share, which has no logical disk to ask), its space. */
  async #volume(file: string): Promise<{ fileSystem: FileSystem; space?: { availableBytes: number; totalBytes: number } }> {
    const d = (await this.#fileOp('statfs', file, volumeScript(file))) as { driveType?: unknown; fileSystem?: unknown; freeBytes?: unknown; totalBytes?: unknown } | null;
    const fileSystem = fileSystemOfDrive(Number(d?.driveType), typeof d?.fileSystem === 'string' ? d.fileSystem : '');
    if (typeof d?.freeBytes !== 'number' || typeof d.totalBytes !== 'number') return { fileSystem };
    return { fileSystem, space: { availableBytes: d.freeBytes, totalBytes: d.totalBytes } };
  }

  async freeSpace(file: string): Promise<FreeSpace> {
    const { fileSystem, space } = await this.#volume(file);
    if (!space) throw errnoError('ENOTSUP', 'statfs', file);
    return { ...space, fileSystem };
  }

  async fileSystem(file: string): Promise<FileSystem> {
    return (await this.#volume(file)).fileSystem;
  }

  async space(file: string): Promise<{ availableBytes: number; totalBytes: number }> {
    const { availableBytes, totalBytes } = await this.freeSpace(file);
    return { availableBytes, totalBytes };
  }
}

/**
 * A Target is the machine being set up. Everything the setup does on that machine goes through
 * this interface: the local target runs it with node:fs and child_process, the SSH target with
 * sftp and exec. Paths are absolute paths on the target, in its own style (`pathStyle`).
 * Secrets only ever travel as file contents or stdin, never as command arguments.
 */
export interface HostFacts {
  hostname: string;
  /** node's platform names: linux, darwin, win32, … */
  platform: string;
  arch: string;
  osName: string;
  osVersion: string;
  homeDir: string;
  /** Whether the account runs elevated (root on POSIX), which the default paths depend on. */
  elevated: boolean;
  /** BACKUP_AGENT_RECORD_DIR in the account's environment: where the install record goes instead of its default (see installRecordFile). */
  recordDir?: string;
  /**
   * What `node --version` printed on the account's command path when the facts were read, so the
   * agent's prerequisite check needs no command of its own; absent when the target did not ask
   * or node printed nothing (the check then runs node itself and reports why).
   */
  nodeVersion?: string;
  /** Windows: the .NET Framework 4 `Release` number (an agent prerequisite); absent when 4.5 or later is not installed. */
  dotNetRelease?: number;
}

export interface TargetStat {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Only the owner has any access (POSIX: no group or other bits), as a key file must be. */
  private: boolean;
}

/**
 * The file system a path is on, as the target tells it: `network` (a share, or FUSE, which may
 * hide one), `virtual` (kernel views such as proc or cgroup, never storage), `removable` (a
 * Windows removable or optical drive), `local`, or `unknown` when the target cannot tell.
 */
export interface FileSystem {
  /** A short type name ("ext4", "nfs"), empty when unknown. */
  name: string;
  kind: 'local' | 'network' | 'virtual' | 'removable' | 'unknown';
}

export interface FreeSpace {
  availableBytes: number;
  totalBytes: number;
  fileSystem: FileSystem;
}

/**
 * How a command ended. Only `exited` has an exit code; every other kind says why there is none,
 * so that a slow answer is never taken for a missing program.
 */
export type CommandOutcome =
  | { kind: 'exited'; code: number }
  /** The program is not there: spawn's ENOENT, or over SSH the shell's 127 ("command not found"). */
  | { kind: 'notFound' }
  /** The program is there but could not be started (not executable, or the system refused): the errno. */
  | { kind: 'notStarted'; errno: string }
  /** Stopped by the target after `timeoutMs` without an answer. */
  | { kind: 'timedOut'; afterMs: number }
  /** Ended by a signal the target did not send: a crash, the OOM killer, someone's kill. */
  | { kind: 'signal'; signal: string }
  /** Stopped by the target because the caller's AbortSignal fired. */
  | { kind: 'aborted' }
  /** The SSH session ended under the command, with no exit status. */
  | { kind: 'connectionLost' };

export interface CommandResult {
  /** Why it ended: the exit with its code, or the reason there is no exit code. */
  outcome: CommandOutcome;
  stdout: string;
  stderr: string;
}

/** The exit code when the command exited, else undefined (see `outcome` for why). */
export function exitCode(result: Pick<CommandResult, 'outcome'>): number | undefined {
  return result.outcome.kind === 'exited' ? result.outcome.code : undefined;
}

/** Commands get a minute unless told otherwise, and keep at most 16 MiB of each output (the rest is read and dropped). */
export const DEFAULT_RUN_TIMEOUT_MS = 60_000;
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Why a target stops a command itself: its `timeoutMs` ran out, or its `signal` aborted. */
export type StopReason = 'timeout' | 'abort';

/** The outcome of a command the target itself stopped. */
export function stoppedOutcome(reason: StopReason, timeoutMs: number): CommandOutcome {
  return reason === 'timeout' ? { kind: 'timedOut', afterMs: timeoutMs } : { kind: 'aborted' };
}

/** A wait in seconds for messages: "15", "0.5". */
export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** The outcome in a few words, for messages ("not found", "no answer within 15 s"). */
export function describeOutcome(outcome: CommandOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exit code ${outcome.code}`;
    case 'notFound':
      return 'not found';
    case 'notStarted':
      return `could not be started: ${outcome.errno}`;
    case 'timedOut':
      return `no answer within ${seconds(outcome.afterMs)} s`;
    case 'signal':
      return `ended by ${outcome.signal}`;
    case 'aborted':
      return 'cancelled';
    case 'connectionLost':
      return 'the connection was lost';
  }
}

export interface RunOptions {
  /** Written to the command's stdin, then closed: the way secrets reach a command. */
  stdin?: string;
  /** Extra environment variables (never secrets: environments can be read by other processes on some systems). */
  env?: Record<string, string>;
  cwd?: string;
  /** Stops the command (its whole process group) after this long: outcome `timedOut`. */
  timeoutMs?: number;
  /** Stops the command when aborted: outcome `aborted`. */
  signal?: AbortSignal;
  /** Each piece of stderr as it arrives (a command's progress), besides the whole in the result. */
  onStderr?: (text: string) => void;
}

/** Owner-only access: POSIX 0600 for files, 0700 for folders (else 0644 / 0755). */
export interface PrivacyOptions {
  private?: boolean;
}

export interface WriteOptions extends PrivacyOptions {
  /** A program: POSIX 0755 (0700 when private). */
  executable?: boolean;
  /** Fail with EEXIST instead of replacing an existing file. */
  exclusive?: boolean;
}

/** An address the target connects to, good until close(). */
export interface Reach {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface Target {
  /** Stable key: "local", or "ssh://user@host:port". */
  readonly id: string;
  /** Human-readable name for messages ("this server", "admin@web1"). */
  readonly label: string;
  /** True when the target is the machine this code runs on. */
  readonly isLocal: boolean;
  readonly pathStyle: 'posix' | 'win32';

  facts(signal?: AbortSignal): Promise<HostFacts>;
  /** lstat: links are reported as links, never followed. Undefined when the path does not exist. */
  stat(path: string): Promise<TargetStat | undefined>;
  readFile(path: string, maxBytes: number): Promise<Buffer>;
  /**
   * Atomic replace (temp file, fsync, rename) with the access (private or not) set before any data
   * is written. On failure the old content stays and no temp file is left behind.
   */
  writeFileAtomic(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<void>;
  /** mkdir -p; `private` applies to the folders it creates. */
  mkdir(path: string, options?: PrivacyOptions): Promise<void>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  symlink(linkTarget: string, path: string): Promise<void>;
  /** rm -rf; no error when the path is missing. */
  remove(path: string): Promise<void>;
  freeSpace(path: string): Promise<FreeSpace>;
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /**
   * Makes `host:port`, as this machine sees it, reachable from the target until the handle is
   * closed, and says where the target connects for it (a loopback address here is not the
   * target's own loopback).
   */
  reach(host: string, port: number, signal?: AbortSignal): Promise<Reach>;
  /** Releases connections. The local target has nothing to release. */
  close(): Promise<void>;
}

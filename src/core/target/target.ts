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
  /** Whether the account on the target is an administrator (root), which the default paths depend on. */
  isAdmin: boolean;
}

export interface TargetStat {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Permission bits (mode & 0o777). */
  mode: number;
}

export interface FreeSpace {
  availableBytes: number;
  totalBytes: number;
  /** statfs f_type magic when the target can tell it (used to refuse network file systems). */
  fsType?: number;
  /** File-system type name when the target can tell it (e.g. from `stat -f -c %T`). */
  fsTypeName?: string;
}

export interface CommandResult {
  /** Exit code; null when the command could not be started or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin, then closed: the way secrets reach a command. */
  stdin?: string;
  /** Extra environment variables (never secrets: environments can be read by other processes on some systems). */
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  mode?: number;
  /** Fail with EEXIST instead of replacing an existing file. */
  exclusive?: boolean;
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
   * Atomic replace (temp file, fsync, rename) with the mode set before any data is written. On
   * failure the old content stays and no temp file is left behind.
   */
  writeFileAtomic(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<void>;
  /** mkdir -p; the mode applies to folders it creates. */
  mkdir(path: string, mode?: number): Promise<void>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  symlink(linkTarget: string, path: string): Promise<void>;
  /** rm -rf; no error when the path is missing. */
  remove(path: string): Promise<void>;
  freeSpace(path: string): Promise<FreeSpace>;
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Releases connections. The local target has nothing to release. */
  close(): Promise<void>;
}

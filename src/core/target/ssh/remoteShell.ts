/**
 * The remote-shell strategy of the SSH target: how commands are written, stopped and understood
 * on a server, and the file operations SFTP cannot do alone. The SSH transport carries them;
 * which shell a server has is probed once at connect (probe.ts).
 */
import type { CommandResult, FileSystem, FreeSpace, HostFacts, RunOptions } from '../target';

export interface RemoteShell {
  /** The shell family, for messages and logs ("POSIX"). */
  readonly name: string;
  /** The style of the server's paths under this shell. */
  readonly pathStyle: 'posix' | 'win32';
  /** The name SFTP gives `file` (Windows OpenSSH: `C:\x` is `/C:/x`). */
  sftpPath(file: string): string;
  facts(signal?: AbortSignal): Promise<HostFacts>;
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Gives `existing` the new name `file`, failing with EEXIST when `file` exists (when SFTP cannot hard-link). */
  link(existing: string, file: string): Promise<void>;
  /** Renames, replacing an existing `to` atomically (when SFTP cannot). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a folder and everything in it: SFTP has no recursive remove. */
  removeTree(folder: string): Promise<void>;
  /** The file system `file` is on, where SFTP cannot tell (no mount table to read). */
  fileSystem(file: string): Promise<FileSystem>;
  /** Free and total bytes where `file` is (when SFTP has no statvfs). */
  space(file: string): Promise<{ availableBytes: number; totalBytes: number }>;
  /**
   * Writes a private file where a file SFTP creates would not be private (Windows: it inherits
   * its folder's ACL): made with its access before any byte, replaced atomically or, `exclusive`,
   * failing with EEXIST. Absent: SFTP's create mode makes it private.
   */
  writePrivate?(file: string, data: Uint8Array, exclusive: boolean): Promise<void>;
  /** mkdir -p with private new folders, where SFTP's mode cannot (Windows). */
  mkdirPrivate?(folder: string): Promise<void>;
  /** Free space and file system in one question, where SFTP's statvfs is not to be relied on (Windows). */
  freeSpace?(file: string): Promise<FreeSpace>;
}

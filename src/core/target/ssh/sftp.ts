/**
 * ssh2's SFTP calls as promises whose failures carry the Node-style `code`s core reads
 * (ENOENT, EACCES, EEXIST, ENOSPC, EROFS, …), so core treats a remote file like a local one.
 * SFTP v3 reports most errors as a bare FAILURE; `diagnose` asks the file system what the
 * cause was (read-only, out of space), as far as it can tell.
 */
import path from 'node:path';
import type { Attributes, InputAttributes, SFTPWrapper, Stats } from 'ssh2';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
const FAILURE = 4;
const OP_UNSUPPORTED = 8;
/** statvfs f_flag bit for a read-only mount. */
const ST_RDONLY = 1;

export interface StatVfs {
  f_frsize: number;
  f_blocks: number;
  f_bavail: number;
  f_favail: number;
  f_flag: number;
  /** The file system's id (statfs f_fsid); 0 when the system does not give one. */
  f_sid: number | bigint;
}

export type SftpError = Error & { code: string; syscall?: string; path?: string };

export function errnoError(code: string, syscall: string, file: string, cause?: unknown): SftpError {
  return Object.assign(new Error(`${code}: ${syscall} ${file}`, cause === undefined ? undefined : { cause }), { code, syscall, path: file });
}

/** The SFTP status code of an ssh2 failure, undefined for a channel or connection failure. */
export function sftpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

const call = <T>(start: (done: (err: Error | null | undefined, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));

const attempt = (start: (done: (err: Error | null | undefined) => void) => void): Promise<Error | undefined> =>
  new Promise((resolve) => start((err) => resolve(err ?? undefined)));

/** The subset of SFTP the SSH target uses, with errno-coded failures. */
export class Sftp {
  constructor(readonly wrapper: SFTPWrapper) {}

  has(extension: 'posix-rename@openssh.com' | 'statvfs@openssh.com' | 'hardlink@openssh.com' | 'fsync@openssh.com'): boolean {
    // ssh2 keeps the server's extensions (name → version) from its VERSION packet.
    return Boolean((this.wrapper as unknown as { _extensions: Record<string, string> })._extensions[extension]);
  }

  /**
   * The errno for an SFTP failure on `file`: the status code where it says enough, else what
   * the file system shows (read-only, full); `bytes` is what the operation needed to store.
   */
  async diagnose(err: unknown, syscall: string, file: string, bytes = 0): Promise<Error> {
    const status = sftpStatus(err);
    if (status === undefined) return err as Error;
    if (status === NO_SUCH_FILE) return errnoError('ENOENT', syscall, file, err);
    if (status === PERMISSION_DENIED) return errnoError('EACCES', syscall, file, err);
    if (status === OP_UNSUPPORTED) return errnoError('ENOSYS', syscall, file, err);
    if (status === FAILURE && this.has('statvfs@openssh.com')) {
      const vfs = await this.statvfs(path.posix.dirname(file)).catch(() => undefined);
      if (vfs && vfs.f_flag & ST_RDONLY) return errnoError('EROFS', syscall, file, err);
      if (vfs && (vfs.f_bavail * vfs.f_frsize < Math.max(bytes, 1) || vfs.f_favail === 0)) return errnoError('ENOSPC', syscall, file, err);
    }
    return errnoError('EIO', syscall, file, err);
  }

  async #coded<T>(syscall: string, file: string, start: (done: (err: Error | null | undefined, value: T) => void) => void, bytes?: number): Promise<T> {
    try {
      return await call(start);
    } catch (err) {
      throw await this.diagnose(err, syscall, file, bytes);
    }
  }

  lstat(file: string): Promise<Stats> {
    return this.#coded('lstat', file, (done) => this.wrapper.lstat(file, done));
  }

  open(file: string, flags: 'r' | 'wx', attrs: InputAttributes = {}): Promise<Buffer> {
    return this.#coded('open', file, (done) => this.wrapper.open(file, flags, attrs, done));
  }

  fstat(handle: Buffer, file: string): Promise<Stats> {
    return this.#coded('fstat', file, (done) => this.wrapper.fstat(handle, done));
  }

  /** Bytes read at `position`; 0 at the end of the file (ssh2 turns the EOF status into 0). */
  read(handle: Buffer, file: string, buffer: Buffer, position: number): Promise<number> {
    return this.#coded('read', file, (done) => this.wrapper.read(handle, buffer, 0, buffer.length, position, (err, bytesRead) => done(err, bytesRead)));
  }

  write(handle: Buffer, file: string, data: Uint8Array, position: number): Promise<void> {
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.#coded('write', file, (done) => this.wrapper.write(handle, chunk, 0, chunk.length, position, (err) => done(err, undefined)), chunk.length);
  }

  fchmod(handle: Buffer, file: string, mode: number): Promise<void> {
    return this.#coded('fchmod', file, (done) => this.wrapper.fchmod(handle, mode, (err) => done(err, undefined)));
  }

  fsync(handle: Buffer, file: string, bytes: number): Promise<void> {
    return this.#coded('fsync', file, (done) => this.wrapper.ext_openssh_fsync(handle, (err) => done(err, undefined)), bytes);
  }

  close(handle: Buffer, file: string, bytes = 0): Promise<void> {
    return this.#coded('close', file, (done) => this.wrapper.close(handle, (err) => done(err, undefined)), bytes);
  }

  readdir(dir: string): Promise<string[]> {
    return this.#coded('scandir', dir, (done) =>
      this.wrapper.readdir(dir, (err, list) => done(err, list?.map((e) => e.filename).filter((n) => n !== '.' && n !== '..'))),
    );
  }

  /**
   * mkdir whose failure comes back undiagnosed (not thrown): the caller first looks at what is
   * there, as SFTP reports an existing folder and a read-only file system with the same bare failure.
   */
  tryMkdir(dir: string, mode: number): Promise<Error | undefined> {
    return attempt((done) => this.wrapper.mkdir(dir, { mode }, done));
  }

  mkdir(dir: string, mode: number): Promise<void> {
    return this.#coded('mkdir', dir, (done) => this.wrapper.mkdir(dir, { mode }, (err) => done(err, undefined)));
  }

  /** rename(2): replaces an existing `to` (posix-rename@openssh.com). */
  posixRename(from: string, to: string): Promise<void> {
    return this.#coded('rename', to, (done) => this.wrapper.ext_openssh_rename(from, to, (err) => done(err, undefined)));
  }

  /** link(2): fails when `to` exists (hardlink@openssh.com). */
  hardlink(from: string, to: string): Promise<void> {
    return this.#coded('link', to, (done) => this.wrapper.ext_openssh_hardlink(from, to, (err) => done(err, undefined)));
  }

  symlink(linkTarget: string, file: string): Promise<void> {
    return this.#coded('symlink', file, (done) => this.wrapper.symlink(linkTarget, file, (err) => done(err, undefined)));
  }

  unlink(file: string): Promise<void> {
    return this.#coded('unlink', file, (done) => this.wrapper.unlink(file, (err) => done(err, undefined)));
  }

  /** The absolute name with every symbolic link resolved (realpath(3) on the server). */
  realpath(file: string): Promise<string> {
    return this.#coded('realpath', file, (done) => this.wrapper.realpath(file, done));
  }

  statvfs(file: string): Promise<StatVfs> {
    return this.#coded('statfs', file, (done) => this.wrapper.ext_openssh_statvfs(file, done));
  }
}

export function kindOf(attrs: Attributes): 'file' | 'directory' | 'symlink' | 'other' {
  switch (attrs.mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    default:
      return 'other';
  }
}

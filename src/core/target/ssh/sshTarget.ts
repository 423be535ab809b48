/**
 * A server reached over SSH as a Target: the SSH transport (files through SFTP, commands through
 * exec, the loss guard) and the server's remote shell (how commands are written and stopped,
 * and what SFTP cannot do alone). Failures carry the errno codes core reads for a local file,
 * so core behaves the same on either. Paths are the server's own (`C:\x` on Windows); each
 * reaches SFTP by the name the shell says SFTP gives it (`/C:/x`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathOf } from '../paths';
import { fileSystemOfType } from '../posix/fileSystems';
import { fileMode, folderMode, isPrivateMode } from '../posix/modes';
import { mountOf, parseMountInfo } from '../posix/mountTable';
import type { CommandResult, FileSystem, FreeSpace, HostFacts, PrivacyOptions, Reach, RunOptions, Target, TargetStat, WriteOptions } from '../target';
import type { RemoteShell } from './remoteShell';
import { errnoError, kindOf, type Sftp } from './sftp';
import type { SshTransport } from './transport';
import type { SshDestination } from './types';

const CHUNK_BYTES = 32 * 1024;
const MOUNT_TABLE = '/proc/self/mountinfo';
/** A host with thousands of mounts (containers) stays well under this. */
const MAX_MOUNT_TABLE_BYTES = 4 * 1024 * 1024;
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

/** Waits for every step; throws the first one's failure, in the order given. */
async function firstFailure(steps: ReadonlyArray<Promise<void> | undefined>): Promise<void> {
  for (const result of await Promise.allSettled(steps)) if (result.status === 'rejected') throw result.reason;
}

export class SshTarget implements Target {
  readonly id: string;
  readonly label: string;
  readonly isLocal = false;
  readonly pathStyle: 'posix' | 'win32';
  readonly #path: path.PlatformPath;

  #facts: Promise<HostFacts> | undefined;
  /**
   * The file system of each file system id statvfs gave, for this connection: a setup asks about
   * several folders of one file system, and each answer costs round trips to the server.
   */
  readonly #fileSystems = new Map<string, Promise<FileSystem>>();

  constructor(
    private readonly transport: SshTransport,
    private readonly shell: RemoteShell,
  ) {
    const { user, host, port } = transport.destination;
    this.id = `ssh://${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.label = transport.label;
    this.pathStyle = shell.pathStyle;
    this.#path = pathOf(shell);
  }

  /** `file`'s name over SFTP. */
  #s(file: string): string {
    return this.shell.sftpPath(file);
  }

  /**
   * Whether SFTP's OpenSSH extensions (rename over a file, hard link) are used: on POSIX they are
   * rename(2) and link(2). What Windows OpenSSH's server does for them on NTFS is not documented,
   * so there the shell's MoveFileEx and New-Item do it.
   */
  #sftpExtension(sftp: Sftp, name: 'posix-rename@openssh.com' | 'hardlink@openssh.com'): boolean {
    return this.pathStyle === 'posix' && sftp.has(name);
  }

  get destination(): SshDestination {
    return this.transport.destination;
  }

  facts(signal?: AbortSignal): Promise<HostFacts> {
    this.#facts ??= this.shell.facts(signal);
    this.#facts.catch(() => (this.#facts = undefined));
    return this.#facts;
  }

  stat(file: string): Promise<TargetStat | undefined> {
    return this.transport.files('stat', async (sftp) => {
      try {
        const attrs = await sftp.lstat(this.#s(file));
        // Windows OpenSSH's modes do not show the ACL: there `private` is never claimed.
        return { kind: kindOf(attrs), size: attrs.size, private: this.pathStyle === 'posix' && isPrivateMode(attrs.mode) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    });
  }

  readFile(file: string, maxBytes: number): Promise<Buffer> {
    return this.transport.files('readFile', (sftp) => this.#read(sftp, file, maxBytes));
  }

  async #read(sftp: Sftp, file: string, maxBytes: number): Promise<Buffer> {
    const handle = await sftp.open(this.#s(file), 'r');
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
        // The file may have grown since fstat (a /proc file says 0).
        if (total > maxBytes) throw Object.assign(new Error(`${file} is larger than ${maxBytes} bytes`), { code: 'EFBIG' });
        chunks.push(buffer.subarray(0, n));
      }
      return Buffer.concat(chunks);
    } finally {
      await sftp.close(handle, file).catch(() => undefined);
    }
  }

  writeFileAtomic(file: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    const mode = fileMode(options);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (options.private && this.shell.writePrivate) {
      const writePrivate = this.shell.writePrivate.bind(this.shell);
      return this.transport.guard('writeFileAtomic', () => writePrivate(file, bytes, options.exclusive ?? false));
    }
    const p = this.#path;
    const tmpFile = p.join(p.dirname(file), `.${p.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    const tmp = this.#s(tmpFile);
    return this.transport.files('writeFileAtomic', async (sftp) => {
      // Created exclusively with its final mode: the data is never readable by others.
      const handle = await sftp.open(tmp, 'wx', { mode });
      try {
        // The data, the mode, the sync and the close go out at once: one round trip, not four. An
        // SFTP server handles the requests about one file in the order sent (the protocol draft's
        // "Request Synchronization and Reordering"); the first failure in that order is reported.
        await firstFailure([
          writePipelined(sftp, handle, tmp, bytes),
          // The server's umask may have narrowed the create mode; Windows has no modes (its ACL is inherited).
          this.pathStyle === 'posix' ? sftp.fchmod(handle, tmp, mode) : undefined,
          sftp.has('fsync@openssh.com') ? sftp.fsync(handle, tmp, bytes.length) : undefined,
          sftp.close(handle, tmp, bytes.length),
        ]);
        if (options.exclusive) await this.#linkNew(sftp, tmpFile, file);
        else await this.#replace(sftp, tmpFile, file);
      } catch (err) {
        await sftp.unlink(tmp).catch(() => undefined);
        throw err;
      }
    });
  }

  /** link(2) then unlink, sent together: an existing `file` fails with EEXIST instead of being replaced. */
  async #linkNew(sftp: Sftp, tmp: string, file: string): Promise<void> {
    if (!this.#sftpExtension(sftp, 'hardlink@openssh.com')) {
      await this.shell.link(tmp, file);
      await sftp.unlink(this.#s(tmp));
      return;
    }
    const [linked, unlinked] = await Promise.allSettled([sftp.hardlink(this.#s(tmp), this.#s(file)), sftp.unlink(this.#s(tmp))]);
    if (linked.status === 'rejected') {
      if (await sftp.lstat(this.#s(file)).then(() => true, () => false)) throw errnoError('EEXIST', 'link', file, linked.reason);
      throw linked.reason;
    }
    if (unlinked.status === 'rejected') throw unlinked.reason;
  }

  /** rename(2), which replaces an existing `to` atomically. */
  async #replace(sftp: Sftp, from: string, to: string): Promise<void> {
    if (this.#sftpExtension(sftp, 'posix-rename@openssh.com')) await sftp.posixRename(this.#s(from), this.#s(to));
    else await this.shell.rename(from, to);
  }

  /**
   * mkdir -p one level at a time, so a failure names its real cause (as LocalTarget does). The
   * folder itself is tried first: most are new in a folder that exists, and each SFTP round trip
   * costs the admin CPU (a walk up took two lstat requests and the mkdir; now one request).
   */
  mkdir(dir: string, options?: PrivacyOptions): Promise<void> {
    const mode = folderMode(options);
    if (options?.private && this.shell.mkdirPrivate) {
      const mkdirPrivate = this.shell.mkdirPrivate.bind(this.shell);
      return this.transport.guard('mkdir', () => mkdirPrivate(dir));
    }
    const p = this.#path;
    return this.transport.files('mkdir', async (sftp) => {
      const target = p.resolve(dir);
      const first = await sftp.tryMkdir(this.#s(target), mode);
      if (!first) return;
      // SFTP reports an existing folder as a bare failure; anything already there is accepted, as
      // LocalTarget does. Otherwise the walk up finds the missing levels (none when the failure
      // was the folder's own: its mkdir below then fails again, diagnosed).
      if (await this.stat(target)) return;
      const missing: string[] = [];
      for (let at = p.dirname(target); at !== target && !(await this.stat(at)); at = p.dirname(at)) {
        missing.unshift(at);
        if (p.dirname(at) === at) break;
      }
      for (const folder of [...missing, target]) {
        await sftp.mkdir(this.#s(folder), mode).catch(async (err: NodeJS.ErrnoException) => {
          if ((await this.stat(folder))?.kind === 'directory') return;
          throw err;
        });
      }
    });
  }

  readdir(dir: string): Promise<string[]> {
    return this.transport.files('readdir', (sftp) => sftp.readdir(this.#s(dir)));
  }

  rename(from: string, to: string): Promise<void> {
    return this.transport.files('rename', (sftp) => this.#replace(sftp, from, to));
  }

  symlink(linkTarget: string, file: string): Promise<void> {
    return this.transport.files('symlink', async (sftp) => {
      try {
        await sftp.symlink(this.#path.isAbsolute(linkTarget) ? this.#s(linkTarget) : linkTarget, this.#s(file));
      } catch (err) {
        if (await sftp.lstat(this.#s(file)).then(() => true, () => false)) throw errnoError('EEXIST', 'symlink', file, err);
        throw err;
      }
    });
  }

  async remove(file: string): Promise<void> {
    // A file or a link goes with one SFTP request; only a folder needs the shell.
    const kind = (await this.stat(file))?.kind;
    if (kind === undefined) return;
    if (kind !== 'directory') {
      const gone = await this.transport.files('remove', async (sftp) => sftp.unlink(this.#s(file)).then(() => true, (err: NodeJS.ErrnoException) => err.code === 'ENOENT'));
      if (gone) return;
    }
    return this.shell.removeTree(file);
  }

  freeSpace(file: string): Promise<FreeSpace> {
    if (this.shell.freeSpace) {
      const freeSpace = this.shell.freeSpace.bind(this.shell);
      return this.transport.guard('freeSpace', () => freeSpace(file));
    }
    return this.transport.files('freeSpace', async (sftp) => {
      if (!sftp.has('statvfs@openssh.com')) {
        const [space, fileSystem] = await Promise.all([this.shell.space(file), this.#fileSystem(sftp, file)]);
        return { ...space, fileSystem };
      }
      const vfs = await sftp.statvfs(file);
      return { availableBytes: vfs.f_bavail * vfs.f_frsize, totalBytes: vfs.f_blocks * vfs.f_frsize, fileSystem: await this.#fileSystemOf(sftp, file, vfs.f_sid) };
    });
  }

  /** The file system, once per file system id (a system that gives none is asked every time). */
  #fileSystemOf(sftp: Sftp, file: string, id: number | bigint | undefined): Promise<FileSystem> {
    if (!id) return this.#fileSystem(sftp, file);
    const key = String(id);
    let known = this.#fileSystems.get(key);
    if (!known) {
      known = this.#fileSystem(sftp, file);
      this.#fileSystems.set(key, known);
      known.catch(() => this.#fileSystems.delete(key));
    }
    return known;
  }

  /**
   * Linux's mount table read over SFTP, which spares the server a session; the shell's answer
   * where there is none (another system, a chrooted SFTP) or it does not list the folder's mount.
   */
  async #fileSystem(sftp: Sftp, file: string): Promise<FileSystem> {
    if (this.pathStyle === 'posix') {
      const mount = await Promise.all([sftp.realpath(file), this.#read(sftp, MOUNT_TABLE, MAX_MOUNT_TABLE_BYTES)]).then(
        ([resolved, table]) => mountOf(parseMountInfo(table.toString('utf8')), resolved),
        () => undefined,
      );
      if (mount) return fileSystemOfType(mount.type);
    }
    return this.shell.fileSystem(file);
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return this.shell.run(command, args, options);
  }

  reach(host: string, port: number, signal?: AbortSignal): Promise<Reach> {
    return this.transport.reach(host, port, signal);
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

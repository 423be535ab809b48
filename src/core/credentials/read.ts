/**
 * Reading a vault credentials file defensively: never more than MAX_CREDENTIALS_BYTES, never
 * blocking on a FIFO, and (as agent facts §2 advises for access problems) retrying from a private
 * local copy when the file is locked, denied or on a network share.
 */
import { promises as fs, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileSystemOfMagic } from '../target/posix/fileSystems';
import { throwIfAborted } from '../errors';
import { credentialsError } from './errors';
import { errnoOf } from '../fs/errno';

/** Real files are a few KiB; anything near this is not a credentials file. */
export const MAX_CREDENTIALS_BYTES = 1024 * 1024;

/** The file system operations the reader needs; tests inject failures here. */
export interface FileAccess {
  /** The whole file, or a VaultCredentialTooLarge SetupError when it exceeds maxBytes. */
  read(file: string, maxBytes: number): Promise<Buffer>;
  copy(source: string, destination: string): Promise<void>;
  isNetworkLocation(file: string): Promise<boolean>;
}

export interface CredentialsBytes {
  bytes: Buffer;
  /** Set when the bytes came from a temporary local copy (since removed) of this path. */
  copiedFrom?: string;
  copyReason?: 'network' | 'access';
}

/** Errors that a local copy can get around (sharing violations and locks on Windows, mostly). */
const COPY_RETRY_ERRNOS = new Set(['EACCES', 'EPERM', 'EBUSY', 'ETXTBSY']);

export async function readCredentialsBytes(
  file: string,
  options: { access?: FileAccess; signal?: AbortSignal } = {},
): Promise<CredentialsBytes> {
  const access = options.access ?? nodeFileAccess;
  throwIfAborted(options.signal);
  if (await access.isNetworkLocation(file)) {
    return { ...(await readViaLocalCopy(file, access, options.signal)), copiedFrom: file, copyReason: 'network' };
  }
  try {
    return { bytes: await access.read(file, MAX_CREDENTIALS_BYTES) };
  } catch (err) {
    if (!COPY_RETRY_ERRNOS.has(errnoOf(err) ?? '')) throw asUnreadable(err, file, false);
  }
  return { ...(await readViaLocalCopy(file, access, options.signal)), copiedFrom: file, copyReason: 'access' };
}

async function readViaLocalCopy(file: string, access: FileAccess, signal?: AbortSignal): Promise<{ bytes: Buffer }> {
  throwIfAborted(signal);
  // mkdtemp creates the folder 0700: the copy holds a private key and must stay ours.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vault-credentials-'));
  try {
    const copy = path.join(dir, fileBaseName(file) || 'credentials');
    await access.copy(file, copy);
    return { bytes: await access.read(copy, MAX_CREDENTIALS_BYTES) };
  } catch (err) {
    throw asUnreadable(err, file, true);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The last path segment, for Windows and UNC paths too whatever platform we run on. */
export function fileBaseName(file: string): string {
  return path.basename(file.replace(/\\/g, '/'));
}

function asUnreadable(err: unknown, file: string, viaCopy: boolean): unknown {
  const reason = errnoOf(err);
  if (!reason) return err; // not an I/O error: a SetupError (too large, not a file) or a cancellation
  return credentialsError('34528', `The vault credentials file ${file} could not be read.`, { file, reason, viaCopy }, err);
}


export const nodeFileAccess: FileAccess = {
  read: readBounded,
  copy: (source, destination) => fs.copyFile(source, destination, constants.COPYFILE_EXCL),
  isNetworkLocation,
};

/** O_NONBLOCK keeps a FIFO from blocking the open; the type check below then refuses it. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const READ_CHUNK = 64 * 1024;

async function readBounded(file: string, maxBytes: number): Promise<Buffer> {
  const handle = await fs.open(file, OPEN_FLAGS);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw credentialsError('34528', `The vault credentials path ${file} is not a regular file.`, { file, reason: 'notAFile' });
    }
    if (stat.size > maxBytes) throw tooLarge(stat.size, maxBytes);
    // The size may be wrong (growing file, pseudo-file): read until EOF, but stop one chunk past the limit.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(READ_CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, READ_CHUNK, null);
      if (bytesRead === 0) return Buffer.concat(chunks, length);
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(length, maxBytes);
    }
  } finally {
    await handle.close();
  }
}

export function tooLarge(size: number, maxBytes: number) {
  return credentialsError('VaultCredentialTooLarge', 'The file is far larger than a vault credentials file.', { size, maxBytes });
}

/** UNC paths anywhere; on Linux also any path on a network file system. */
async function isNetworkLocation(file: string): Promise<boolean> {
  if (isUncPath(file)) return true;
  if (process.platform !== 'linux') return false;
  try {
    return fileSystemOfMagic((await fs.statfs(file)).type).kind === 'network';
  } catch {
    return false; // the read that follows reports the real problem
  }
}

/** `\\server\share\...`, `\\?\UNC\server\share\...`, and on Windows `//server/share/...`. */
export function isUncPath(file: string): boolean {
  if (/^\\\\\?\\UNC\\[^\\]+\\[^\\]+/i.test(file)) return true;
  if (/^\\\\[^\\?.][^\\]*\\[^\\]+/.test(file)) return true;
  return process.platform === 'win32' && /^\/\/[^/]+\/[^/]+/.test(file);
}

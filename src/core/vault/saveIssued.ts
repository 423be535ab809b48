/**
 * Where an issued credentials file goes on the admin machine: it holds a password-less private
 * key (for 48 hours, for an Azure one), so it is written owner-only (0600) into an owner-only
 * folder when that folder is made here, atomically, and never over an existing file. Its name is
 * reserved before the file is issued: issuing supersedes every earlier file for the vault, so a
 * name that is taken must stop it before, not after.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SetupError } from '../errors';
import { errnoOf } from '../fs/errno';
import { writeFileAtomic } from '../fs/atomic';
import { nextStep } from '../nextActions';

export interface ReservedFile {
  /** The file's absolute path, taken (an empty 0600 file) until written or released. */
  path: string;
  /** Writes the whole file over the reservation, atomically, 0600. */
  write(text: string): Promise<void>;
  /** Gives the name back when nothing was written (the issue failed). */
  release(): Promise<void>;
}

/** Takes `fileName` in `folder` (made 0700 when missing); refused when a file of that name is there. */
export async function reserveCredentialsFile(folder: string, fileName: string): Promise<ReservedFile> {
  const dir = path.resolve(folder);
  const file = path.join(dir, path.basename(fileName));
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await (await fs.open(file, 'wx', 0o600)).close();
  } catch (err) {
    const reason = errnoOf(err) ?? 'error';
    if (reason === 'EEXIST') {
      throw new SetupError('CredentialsFileExists', `${file} already exists; it is not overwritten. Move it away or choose another folder.`, { file, ...nextStep('chooseOutputFolder') });
    }
    throw new SetupError('CredentialsFileNotWritten', `The credentials file could not be written to ${dir}.`, { folder: dir, reason, ...nextStep('chooseOutputFolder') });
  }
  let written = false;
  return {
    path: file,
    async write(text) {
      await writeFileAtomic(file, text, { mode: 0o600 });
      written = true;
    },
    async release() {
      if (!written) await fs.rm(file, { force: true });
    },
  };
}

/** A copy of `file` at `destination` (0600, atomically), refused (CredentialsFileExists) when a file is there. */
export async function saveCredentialsCopy(file: string, destination: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8');
  const reserved = await reserveCredentialsFile(path.dirname(destination), path.basename(destination));
  try {
    await reserved.write(text);
  } catch (err) {
    await reserved.release();
    throw err;
  }
  return reserved.path;
}

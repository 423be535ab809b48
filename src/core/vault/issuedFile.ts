/**
 * Where a credentials file issued for the setup lives on the admin machine: it holds a
 * password-less private key (48 hours for Azure's), so by default it goes into a new owner-only
 * (0700) folder under the system's temp folder, is used from there, and is removed once the
 * registration is done. A copy elsewhere is the user's explicit choice (saveIssued.ts).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PRIVATE_PREFIX = 'backup-agent-credentials-';

/** A new private folder for one issued file (mkdtemp makes it 0700; the chmod says so where a umask would not). */
export async function privateCredentialsFolder(): Promise<string> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), PRIVATE_PREFIX));
  await fs.chmod(folder, 0o700);
  return folder;
}

/** Whether `file` is in a private folder privateCredentialsFolder made. */
export function inPrivateCredentialsFolder(file: string): boolean {
  const folder = path.dirname(path.resolve(file));
  return path.dirname(folder) === path.resolve(os.tmpdir()) && path.basename(folder).startsWith(PRIVATE_PREFIX);
}

/** Removes an issued file and its private folder; a file elsewhere (the user's own copy) is left alone. */
export async function removeIssuedFile(file: string): Promise<boolean> {
  if (!inPrivateCredentialsFolder(file)) return false;
  await fs.rm(path.dirname(path.resolve(file)), { recursive: true, force: true });
  return true;
}

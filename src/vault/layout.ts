/**
 * Where things live in a data folder, and how a folder is opened. One folder holds one vault
 * service's whole state; the CLI and the service share it (see lock.ts).
 */
import { promises as fs, constants } from 'node:fs';
import path from 'node:path';
import { VaultCode, VaultError } from './errors';

/** Environment variable naming the data folder when `--data` is not given. */
export const DATA_DIR_ENV = 'BACKUP_VAULT_DATA';
export const DEFAULT_DATA_DIR = '.vault-data';

export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  return path.resolve(cwd, explicit ?? env[DATA_DIR_ENV] ?? DEFAULT_DATA_DIR);
}

export interface DataLayout {
  dir: string;
  state: string;
  lock: string;
  adminToken: string;
  /** The ARM emulator's bearer token (`arm-token`). */
  armToken: string;
  caKey: string;
  caCert: string;
  serverKey: string;
  serverCert: string;
}

function dataLayout(dir: string): DataLayout {
  const at = (name: string) => path.join(dir, name);
  return {
    dir,
    state: at('state.json'),
    lock: at('service.lock'),
    adminToken: at('admin-token'),
    armToken: at('arm-token'),
    caKey: at('ca.key.pem'),
    caCert: at('ca.cert.pem'),
    serverKey: at('server.key.pem'),
    serverCert: at('server.cert.pem'),
  };
}

/** Creates the folder (0700) if needed and proves it is a readable, writable folder. */
export async function prepareDataDir(dir: string): Promise<DataLayout> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    await fs.access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    throw unreadable(dir, err);
  }
  return dataLayout(dir);
}

export function unreadable(file: string, cause: unknown): VaultError {
  const reason = (cause as NodeJS.ErrnoException)?.code ?? String(cause);
  return new VaultError(
    VaultCode.DataUnreadable,
    `The vault data at ${file} cannot be read or written (${reason}). Check the path and its permissions.`,
    undefined,
    { file, reason },
    { cause },
  );
}

export function corrupt(file: string, reason: string, cause?: unknown): VaultError {
  return new VaultError(
    VaultCode.DataCorrupt,
    `The vault data file ${file} is damaged (${reason}). Restore it from a backup or move the data folder away to start afresh.`,
    undefined,
    { file, reason },
    { cause },
  );
}

/** Reads a file that may not exist yet; any other failure is an unreadable data folder. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, err);
  }
}

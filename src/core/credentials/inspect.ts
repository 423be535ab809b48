import { throwIfAborted } from '../errors';
import type { VaultCredentials } from './model';
import { parseCredentials } from './parse';
import { fileBaseName, readCredentialsBytes, type FileAccess } from './read';

export interface InspectOptions {
  now?: Date;
  signal?: AbortSignal;
  /** File system operations; tests inject locked or unreadable files here. */
  access?: FileAccess;
}

/** Reads (at most 1 MiB of) a vault credentials file and validates it; see parseCredentials. */
export async function inspectCredentialsFile(file: string, options: InspectOptions = {}): Promise<VaultCredentials> {
  const { bytes, copiedFrom, copyReason } = await readCredentialsBytes(file, options);
  throwIfAborted(options.signal);
  const credentials = parseCredentials(bytes, fileBaseName(file), options.now);
  return copiedFrom === undefined ? credentials : { ...credentials, copiedFrom, copyReason };
}

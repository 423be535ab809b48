import { throwIfAborted } from '../errors';
import type { VaultCredentials } from './model';
import { fileBaseName, readCredentialsBytes, type FileAccess } from './read';

export interface InspectOptions {
  now?: Date;
  signal?: AbortSignal;
  /** File system operations; tests inject locked or unreadable files here. */
  access?: FileAccess;
}

/**
 * Reads (at most 1 MiB of) a vault credentials file and validates it; see parseCredentials. The
 * parser, with node-forge for the PKCS#12 inside (Node's crypto cannot open one) and the XML
 * reader, is imported on the first file read: about 250 KiB the extension's status bar and
 * palette do not load before a file is named.
 */
export async function inspectCredentialsFile(file: string, options: InspectOptions = {}): Promise<VaultCredentials> {
  const { bytes, copiedFrom, copyReason } = await readCredentialsBytes(file, options);
  const { parseCredentials } = await import('./parse');
  throwIfAborted(options.signal);
  const credentials = parseCredentials(bytes, fileBaseName(file), options.now);
  return copiedFrom === undefined ? credentials : { ...credentials, copiedFrom, copyReason };
}

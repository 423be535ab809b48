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
  const credentials = await inspectCredentialsBytes(bytes, fileBaseName(file), options);
  return copiedFrom === undefined ? credentials : { ...credentials, copiedFrom, copyReason };
}

/** The parser's module, loaded on first use (the agent's `--version` loads it to prove it loads). */
export const loadCredentialsParser = () => import('./parse');

/** A credentials file's bytes, already read (the agent gets them on its stdin), validated as the file would be. */
export async function inspectCredentialsBytes(bytes: Uint8Array, fileName: string, options: Pick<InspectOptions, 'now' | 'signal'> = {}): Promise<VaultCredentials> {
  const { parseCredentials } = await loadCredentialsParser();
  throwIfAborted(options.signal);
  return parseCredentials(bytes, fileName, options.now);
}

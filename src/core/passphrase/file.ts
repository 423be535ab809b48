/**
 * The passphrase file the user keeps (agent facts §4: the service never sees the passphrase and cannot
 * recover data without it). Plain text a person can read years later, written atomically, 0600,
 * never over an existing file, and read back before we call it saved.
 */
import { promises as fs, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { SetupError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { validatePassphrase } from './validate';

export interface SavePassphraseOptions {
  file: string;
  passphrase: string;
  vaultName: string;
  serverName: string;
  now?: Date;
}

/** A read passphrase file. The passphrase is kept out of JSON and inspect output. */
export class SavedPassphrase {
  readonly #passphrase: string;

  constructor(
    readonly vaultName: string,
    readonly serverName: string,
    readonly savedAt: string,
    passphrase: string,
  ) {
    this.#passphrase = passphrase;
  }

  /** Secret: never log it or put it in a message. */
  get passphrase(): string {
    return this.#passphrase;
  }

  toJSON(): { vaultName: string; serverName: string; savedAt: string } {
    return { vaultName: this.vaultName, serverName: this.serverName, savedAt: this.savedAt };
  }

  [inspect.custom](): string {
    return `SavedPassphrase ${JSON.stringify(this.toJSON())}`;
  }
}

/**
 * The file a passphrase is offered when the user names none: `BackupPassphrase-<names>.txt` in
 * `folder`, else `-2`, `-3`… while that name is taken. A new passphrase is so never offered the
 * file that holds an earlier one (saving there would be refused: files are never overwritten).
 */
export function proposedPassphraseFile(folder: string, names: string[], taken: (file: string) => boolean = isTaken): string {
  const base = `BackupPassphrase-${names.join('-').replace(/[^\w.-]+/g, '_')}`;
  for (let n = 1; n <= MAX_PROPOSALS; n++) {
    const file = path.join(folder, `${base}${n === 1 ? '' : `-${n}`}.txt`);
    if (!taken(file)) return file;
  }
  return path.join(folder, `${base}-${Date.now()}.txt`);
}

const MAX_PROPOSALS = 999;

/** Anything at that name, a dangling link included. A name that cannot be checked is offered: saving says why it fails. */
function isTaken(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

const PASSPHRASE_PREFIX = 'Passphrase: ';
const FIELDS = { vaultName: 'Vault:', serverName: 'Server:', savedAt: 'Saved:' } as const;
/** Real files are well under 1 KiB. */
const MAX_FILE_BYTES = 64 * 1024;

export async function savePassphraseFile(options: SavePassphraseOptions): Promise<{ file: string; savedAt: Date }> {
  const validation = validatePassphrase(options.passphrase);
  if (!validation.ok) {
    throw new SetupError('PassphraseInvalid', 'The passphrase does not meet the agent’s rules.', { errors: validation.errors.join(',') });
  }
  const savedAt = options.now ?? new Date();
  const vaultName = printable(options.vaultName);
  const serverName = printable(options.serverName);
  try {
    await writeFileAtomic(options.file, render(vaultName, serverName, savedAt, options.passphrase), { mode: 0o600, exclusive: true });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unknown';
    if (reason === 'EEXIST') {
      throw new SetupError('PassphraseFileExists', 'A file with that name already exists; choose another name.', { file: options.file });
    }
    throw new SetupError('PassphraseFileWriteFailed', 'The passphrase file could not be written.', { file: options.file, reason }, { cause: err });
  }
  const problem = await readBackProblem(options.file, { vaultName, serverName, passphrase: options.passphrase });
  if (problem) {
    // We created the file (exclusively), so removing it is safe, and better than a copy that cannot be trusted.
    await fs.rm(options.file, { force: true });
    throw new SetupError('PassphraseFileVerifyFailed', 'The passphrase file did not read back as written, so it was removed.', {
      file: options.file,
      reason: problem,
    });
  }
  return { file: options.file, savedAt };
}

async function readBackProblem(file: string, expected: { vaultName: string; serverName: string; passphrase: string }): Promise<string | undefined> {
  const saved = await readPassphraseFile(file).catch(() => undefined);
  if (!saved) return 'unreadable';
  if (saved.passphrase !== expected.passphrase || saved.vaultName !== expected.vaultName || saved.serverName !== expected.serverName) {
    return 'content';
  }
  // Windows has no POSIX modes; elsewhere a file system that ignores chmod (FAT, some shares) would expose the secret.
  if (process.platform !== 'win32' && ((await fs.stat(file)).mode & 0o777) !== 0o600) return 'mode';
  return undefined;
}

function render(vaultName: string, serverName: string, savedAt: Date, passphrase: string): string {
  return [
    'Backup agent encryption passphrase',
    '',
    `${FIELDS.vaultName}  ${vaultName}`,
    `${FIELDS.serverName} ${serverName}`,
    `${FIELDS.savedAt}  ${savedAt.toISOString()}`,
    '',
    'Keep this file safe, and a copy away from this server. Backups cannot be restored without',
    'this passphrase, and nobody, not even the backup service, can recover it for you.',
    '',
    `${PASSPHRASE_PREFIX}${passphrase}`,
    '',
  ].join(os.EOL);
}

/** A name on its own line: control characters (a newline could forge a line) become "?". */
function printable(text: string): string {
  return [...text].map((c) => (isControl(c.codePointAt(0)!) ? '?' : c)).join('');
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

export async function readPassphraseFile(file: string): Promise<SavedPassphrase> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_FILE_BYTES) throw malformed('tooLarge');
    bytes = await fs.readFile(file);
  } catch (err) {
    if (err instanceof SetupError) throw err;
    throw new SetupError('PassphraseFileUnreadable', 'The passphrase file could not be read.', {
      file,
      reason: (err as NodeJS.ErrnoException).code ?? 'unknown',
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed('notUtf8');
  }
  const lines = text.split(/\r?\n/);
  const passphrases = lines.filter((line) => line.startsWith(PASSPHRASE_PREFIX));
  if (passphrases.length !== 1) throw malformed(passphrases.length === 0 ? 'noPassphrase' : 'severalPassphrases');
  const field = (label: string): string => lines.find((line) => line.startsWith(label))?.slice(label.length).trim() ?? '';
  return new SavedPassphrase(field(FIELDS.vaultName), field(FIELDS.serverName), field(FIELDS.savedAt), passphrases[0]!.slice(PASSPHRASE_PREFIX.length));
}

function malformed(reason: string): SetupError {
  return new SetupError('PassphraseFileMalformed', 'This is not a passphrase file saved by this extension.', { reason });
}

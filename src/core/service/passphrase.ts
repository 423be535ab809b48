/**
 * The passphrase's part of a setup: the agent's rules, a second thought about where the file
 * goes, the file itself (saved once; a re-run that finds the same passphrase there goes on), and
 * the verifier the configuration keeps instead of the passphrase.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SetupError } from '../errors';
import { readPassphraseFile, savePassphraseFile, type SavedPassphrase } from '../passphrase/file';
import { assessPassphraseLocation, type PassphraseLocationWarning } from '../passphrase/location';
import { validatePassphrase } from '../passphrase/validate';
import { createPassphraseVerifier, verifyPassphrase, type PassphraseVerifier } from '../passphrase/verifier';
import type { Secret } from '../secret';
import type { Target } from '../target/target';
import type { ConfirmPassphraseLocation, SetupWarning } from './types';
import { nextStep } from '../registration/errors';

/** Refuses a passphrase the agent would refuse; a weak one comes back as a warning. */
export function checkPassphraseRules(passphrase: Secret): SetupWarning[] {
  const validation = validatePassphrase(passphrase.reveal());
  if (!validation.ok) {
    throw new SetupError('PassphraseInvalid', 'The passphrase does not meet the agent’s rules (at least 16 ASCII characters, no control characters).', {
      errors: validation.errors.join(','),
      ...nextStep('choosePassphrase'),
    });
  }
  return validation.weak ? [{ code: 'PassphraseWeak', params: { strengthBits: Math.round(validation.strengthBits) } }] : [];
}

/** How strong a passphrase is by the agent's measure (whole bits), and whether that counts as weak. */
export function passphraseStrength(passphrase: Secret): { strengthBits: number; weak: boolean } {
  const validation = validatePassphrase(passphrase.reveal());
  return { strengthBits: Math.round(validation.strengthBits), weak: validation.weak };
}

/** Where a passphrase file is going, for the second thought about its place. */
export interface PassphraseFilePlace {
  file: string;
  passphrase: Secret;
  /** The target's folders (compared only when the target is this machine) and the open workspace folders. */
  folders: { installFolder?: string; cacheFolder?: string; workspaceFolders?: string[] };
  confirm?: ConfirmPassphraseLocation;
}

/**
 * Checks a passphrase file before it is written: its place confirmed (each warning through
 * `confirm`) and no other file there. Returns the absolute path and the warnings confirmed.
 */
export async function checkPassphraseFile(target: Pick<Target, 'isLocal'>, place: PassphraseFilePlace): Promise<{ file: string; warnings: PassphraseLocationWarning[] }> {
  const warnings = await passphraseLocationWarnings(place.file, target, place.folders);
  await requireLocationConfirmed(warnings, place.confirm);
  const file = path.resolve(place.file);
  await existingPassphraseFile(file, place.passphrase);
  return { file, warnings };
}

/**
 * The passphrase file is on the admin machine. With the local target that is the very server it
 * protects, and its folders are comparable; a remote target's folders are paths on another machine.
 */
export async function passphraseLocationWarnings(
  file: string | undefined,
  target: Pick<Target, 'isLocal'>,
  folders: { installFolder?: string; cacheFolder?: string; workspaceFolders?: string[] },
): Promise<PassphraseLocationWarning[]> {
  if (!file) return [];
  const { installFolder, cacheFolder, workspaceFolders } = folders;
  return assessPassphraseLocation(file, target.isLocal ? { installFolder, cacheFolder, workspaceFolders, remoteServer: true } : { workspaceFolders });
}

/** Each warning must be confirmed by the caller; without a confirmation the setup stops here. */
export async function requireLocationConfirmed(warnings: PassphraseLocationWarning[], confirm: ConfirmPassphraseLocation | undefined): Promise<void> {
  if (warnings.length === 0 || (confirm && (await confirm(warnings)))) return;
  throw new SetupError('PassphraseLocationNotConfirmed', 'The passphrase file location was not confirmed; choose another place or confirm it.', {
    warnings: warnings.map((w) => w.code).join(','),
    ...nextStep('choosePassphraseFileLocation'),
  });
}

/**
 * Whether the passphrase file is already saved: 'absent', or 'same' when it holds this very
 * passphrase (a re-run). Any other file there is refused: it is never overwritten.
 */
export async function existingPassphraseFile(file: string, passphrase: Secret): Promise<'absent' | 'same'> {
  return (await reusablePassphraseFile(file, (saved) => saved.passphrase === passphrase.reveal())) ? 'same' : 'absent';
}

/**
 * The passphrase file already at `file`: undefined when there is none, the saved passphrase when
 * `reuse` accepts it (a re-run). Any other file there is refused: it is never overwritten.
 */
export async function reusablePassphraseFile(file: string, reuse: (saved: SavedPassphrase) => boolean): Promise<SavedPassphrase | undefined> {
  try {
    await fs.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const saved = await readPassphraseFile(file).catch(() => undefined);
  if (saved && reuse(saved)) return saved;
  throw new SetupError('PassphraseFileExists', 'A file with that name already exists; choose another name.', { file, ...nextStep('choosePassphraseFileLocation') });
}

/** Saves the passphrase file unless this run already did; returns the absolute path. */
export async function ensurePassphraseFile(options: { file: string; passphrase: Secret; vaultName: string; serverName: string; now: Date }): Promise<string> {
  const file = path.resolve(options.file);
  if ((await existingPassphraseFile(file, options.passphrase)) === 'same') return file;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await savePassphraseFile({ file, passphrase: options.passphrase.reveal(), vaultName: options.vaultName, serverName: options.serverName, now: options.now });
  return file;
}

export interface StoredPassphrase {
  verifier: PassphraseVerifier;
  setAt: string;
}

/** True when `passphrase` is the one `stored` was made from. */
export function isSamePassphrase(stored: StoredPassphrase, passphrase: Secret): Promise<boolean> {
  return verifyPassphrase(stored.verifier, passphrase.reveal());
}

export async function newPassphraseRecord(passphrase: Secret, now: Date): Promise<StoredPassphrase> {
  return { verifier: await createPassphraseVerifier(passphrase.reveal()), setAt: now.toISOString() };
}

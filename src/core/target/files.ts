/**
 * File access on the target for the setup's own small files (machine id, key, certificates, the
 * agent configuration). I/O failures become SetupErrors that name the file and a next step, never
 * the content: several of these files hold secrets.
 */
import { SetupError } from '../errors';
import { errnoOf } from '../fs/errno';
import type { PrivacyOptions, Target, WriteOptions } from './target';
import { nextStep, type NextAction } from '../registration/errors';

/** These files are a few KiB; anything larger is not ours. */
const MAX_SMALL_FILE_BYTES = 256 * 1024;

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

export function targetWriteError(target: Target, file: string, err: unknown): SetupError {
  if (err instanceof SetupError) return err;
  const reason = errnoOf(err) ?? 'unknown';
  const action: NextAction = FULL.has(reason) ? 'freeDiskSpace' : DENIED.has(reason) ? 'checkPermissions' : 'retryLater';
  return new SetupError('TargetWriteFailed', `${file} could not be written on ${target.label} (${reason}).`, { file, reason, ...nextStep(action), target: target.id }, { cause: err });
}

/** Atomic write through the target, failures as SetupErrors (see guardTargetWrite). */
export function writeTargetFile(target: Target, file: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  return guardTargetWrite(target, file, () => target.writeFileAtomic(file, data, options));
}

/**
 * Runs an atomic write of `file` (writeFileAtomic, or a writer built on it such as
 * writeAgentConfig), turning a failure into a SetupError. The target's atomic write leaves no
 * temp file behind when it fails, so a full disk does not stay fuller because we tried.
 */
export async function guardTargetWrite(target: Target, file: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    throw targetWriteError(target, file, err);
  }
}

/** The file's text, or undefined when it does not exist (asked by reading it: one round trip less on a server than a stat first). */
export async function readTargetText(target: Target, file: string): Promise<string | undefined> {
  try {
    return (await target.readFile(file, MAX_SMALL_FILE_BYTES)).toString('utf8');
  } catch (err) {
    const reason = errnoOf(err) ?? 'unknown';
    if (reason === 'ENOENT') return undefined;
    throw new SetupError('TargetReadFailed', `${file} could not be read on ${target.label} (${reason}).`, {
      file,
      reason,
      ...nextStep('checkPermissions'),
      target: target.id,
    });
  }
}

export async function mkdirOnTarget(target: Target, dir: string, options?: PrivacyOptions): Promise<void> {
  try {
    await target.mkdir(dir, options);
  } catch (err) {
    throw targetWriteError(target, dir, err);
  }
}

export async function removeOnTarget(target: Target, file: string): Promise<void> {
  try {
    await target.remove(file);
  } catch (err) {
    throw targetWriteError(target, file, err);
  }
}


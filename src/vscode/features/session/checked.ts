import { CancelledError, nextStep, SetupError } from '../../../core/service';
import type { Checked } from './types';

/** Steps taken out of order (their codes are the core's ServiceCode family). */
export const credentialsNotSelected = () =>
  new SetupError('CredentialsNotSelected', 'Select a vault credentials file first.', nextStep('selectCredentials'));
export const passphraseNotSet = () =>
  new SetupError('PassphraseNotSet', 'Generate or enter an encryption passphrase first.', nextStep('choosePassphrase'));

/**
 * Runs a core call and returns its refusal as a value. Cancellation is rethrown (surfaces stay
 * silent on it); anything unexpected becomes one generic code, its detail left to the log.
 */
export async function checked<T>(run: () => Promise<T>): Promise<Checked<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: asSetupError(err) };
  }
}

/**
 * Anything but a SetupError becomes one generic refusal: its own message (which may name paths,
 * hosts or worse) stays out of what a page or notification shows, kept as the cause for the log.
 */
export function asSetupError(err: unknown): SetupError {
  if (isCancellation(err)) throw err;
  if (err instanceof SetupError) return err;
  return new SetupError('UnexpectedError', 'Something unexpected went wrong; the details are in the log.', nextStep('reportProblem'), { cause: err });
}

/** A refusal as a log line: code and message, and an unexpected error's own detail. */
export function logLine(error: SetupError): string {
  const cause: unknown = error.code === 'UnexpectedError' ? error.cause : undefined;
  const detail = cause === undefined ? '' : ` (${cause instanceof Error ? cause.message : String(cause)})`;
  return `${error.code}: ${error.message}${detail}`;
}

/** The core's CancelledError, or an AbortError from a lower layer. */
export function isCancellation(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError'));
}

import { CancelledError, SetupError } from '../../../core/errors';
import type { Checked } from './types';

/** Codes this adapter adds to the core's, for steps taken out of order. */
export const SESSION_ERROR_CODES = ['CredentialsNotSelected', 'PassphraseNotSet', 'UnexpectedError'] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

export const credentialsNotSelected = () =>
  new SetupError('CredentialsNotSelected', 'Select a vault credentials file first.', { action: 'selectCredentials' });
export const passphraseNotSet = () =>
  new SetupError('PassphraseNotSet', 'Generate or enter an encryption passphrase first.', { action: 'choosePassphrase' });

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

export function asSetupError(err: unknown): SetupError {
  if (isCancellation(err)) throw err;
  if (err instanceof SetupError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new SetupError('UnexpectedError', `Something unexpected went wrong: ${detail}`, { detail });
}

/** The core's CancelledError, or an AbortError from a lower layer. */
export function isCancellation(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError'));
}

/**
 * Every warning the core gives (a plan's, a passphrase check's, a registration's): a code with
 * params and no message of its own, shown by each surface in its language; a warning never
 * refuses by itself. The VS Code adapter's text record (features/errors/warnings.ts) is keyed by
 * this union, so the compiler asks for a text for each new code.
 */
import type { ErrorParams } from '../errors';
import { PassphraseLocationCode } from '../passphrase/codes';

export const SetupWarningCode = {
  /** Where the passphrase file is to be saved deserves a second thought (confirmed by the user). */
  ...PassphraseLocationCode,
  /** Long enough, but easy to guess. */
  PassphraseWeak: 'PassphraseWeak',
  PassphraseNotSaved: 'PassphraseNotSaved',
  CredentialsExpireSoon: 'CredentialsExpireSoon',
  /** Registering again keeps the registration id. */
  AlreadyRegistered: 'AlreadyRegistered',
} as const;
export type SetupWarningCode = (typeof SetupWarningCode)[keyof typeof SetupWarningCode];

export interface SetupWarning<C extends SetupWarningCode = SetupWarningCode> {
  code: C;
  params: ErrorParams;
}

/** The core's warning codes alone: constants the setup page's protocol can import without the core's types. */
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

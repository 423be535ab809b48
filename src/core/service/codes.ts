/** The setup's own refusals of a request as a whole, including the adapters' steps taken out of order. */
export const ServiceCode = {
  NothingToChange: 'NothingToChange',
  CredentialsNotSelected: 'CredentialsNotSelected',
  PassphraseNotSet: 'PassphraseNotSet',
  /** A server name the vault would refuse (too long, a control character). */
  ServerNameInvalid: 'ServerNameInvalid',
  /** Anything that is not a SetupError, its detail left to the log. */
  UnexpectedError: 'UnexpectedError',
} as const;
export type ServiceCode = (typeof ServiceCode)[keyof typeof ServiceCode];

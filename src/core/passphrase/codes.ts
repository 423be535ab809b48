/** Why a passphrase is refused (agent facts §4: at least 16 characters, ASCII only). */
export const PassphraseValidationCode = {
  TooShort: 'PassphraseTooShort',
  NotAscii: 'PassphraseNotAscii',
  ControlCharacters: 'PassphraseControlCharacters',
} as const;
export type PassphraseValidationCode = (typeof PassphraseValidationCode)[keyof typeof PassphraseValidationCode];

/** Where a passphrase file should not live; the adapter asks the user to confirm each. */
export const PassphraseLocationCode = {
  InInstallFolder: 'PassphraseFileInInstallFolder',
  InCacheFolder: 'PassphraseFileInCacheFolder',
  InWorkspace: 'PassphraseFileInWorkspace',
  InGitWorkTree: 'PassphraseFileInGitWorkTree',
  OnProtectedServer: 'PassphraseFileOnProtectedServer',
} as const;
export type PassphraseLocationCode = (typeof PassphraseLocationCode)[keyof typeof PassphraseLocationCode];

/** Every code about the passphrase: its rules, where its file goes, saving, reading and verifying it. */
export const PassphraseCode = {
  ...PassphraseValidationCode,
  /** A warning, not a refusal: long enough but easy to guess. */
  Weak: 'PassphraseWeak',
  ...PassphraseLocationCode,
  /** A location warning the user did not confirm. */
  LocationNotConfirmed: 'PassphraseLocationNotConfirmed',
  Invalid: 'PassphraseInvalid',
  /** The passphrase given is not the one the server's configuration was registered with. */
  Mismatch: 'PassphraseMismatch',
  FileExists: 'PassphraseFileExists',
  FileWriteFailed: 'PassphraseFileWriteFailed',
  FileVerifyFailed: 'PassphraseFileVerifyFailed',
  FileUnreadable: 'PassphraseFileUnreadable',
  FileMalformed: 'PassphraseFileMalformed',
  VerifierInvalid: 'PassphraseVerifierInvalid',
} as const;
export type PassphraseCode = (typeof PassphraseCode)[keyof typeof PassphraseCode];

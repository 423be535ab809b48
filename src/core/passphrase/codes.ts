/** Why a passphrase is refused (agent facts §4: at least 16 characters, ASCII only). */
export const PASSPHRASE_VALIDATION_CODES = ['PassphraseTooShort', 'PassphraseNotAscii', 'PassphraseControlCharacters'] as const;
export type PassphraseValidationCode = (typeof PASSPHRASE_VALIDATION_CODES)[number];

/** Where a passphrase file should not live; the adapter asks the user to confirm each. */
export const PASSPHRASE_LOCATION_CODES = [
  'PassphraseFileInInstallFolder',
  'PassphraseFileInCacheFolder',
  'PassphraseFileInWorkspace',
  'PassphraseFileInGitWorkTree',
  'PassphraseFileOnProtectedServer',
] as const;
export type PassphraseLocationCode = (typeof PASSPHRASE_LOCATION_CODES)[number];

/** Saving, reading and verifying. */
export const PASSPHRASE_FILE_CODES = [
  'PassphraseInvalid',
  'PassphraseFileExists',
  'PassphraseFileWriteFailed',
  'PassphraseFileVerifyFailed',
  'PassphraseFileUnreadable',
  'PassphraseFileMalformed',
  'PassphraseVerifierInvalid',
] as const;

/** Every code this module can produce, so adapters can localise each one. */
export const PASSPHRASE_CODES = [
  ...PASSPHRASE_VALIDATION_CODES,
  'PassphraseWeak',
  ...PASSPHRASE_LOCATION_CODES,
  ...PASSPHRASE_FILE_CODES,
] as const;

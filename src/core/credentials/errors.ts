import { SetupError, type ErrorParams } from '../errors';

/**
 * Every refusal of a vault credentials file. Adapters localise each one; the agent's own IDs
 * (agent facts §2) are kept where they are the code, and added as `agentCode` everywhere else.
 */
export const CredentialsCode = {
  BadExtension: 'VaultCredentialBadExtension',
  TooLarge: 'VaultCredentialTooLarge',
  InvalidEncoding: 'VaultCredentialInvalidEncoding',
  EncodingMismatch: 'VaultCredentialEncodingMismatch',
  UnsupportedEncoding: 'VaultCredentialUnsupportedEncoding',
  UnsafeXml: 'VaultCredentialUnsafeXml',
  MalformedXml: 'VaultCredentialMalformedXml',
  WrongRoot: 'VaultCredentialWrongRoot',
  Legacy: 'VaultCredentialLegacy',
  SiteRecovery: 'VaultCredentialSiteRecovery',
  InvalidField: 'VaultCredentialInvalidField',
  CorruptCertificate: 'VaultCredentialCorruptCertificate',
  PfxPassword: 'VaultCredentialPfxPassword',
  NoPrivateKey: 'VaultCredentialNoPrivateKey',
  KeyMismatch: 'VaultCredentialKeyMismatch',
  WrongKeyUsage: 'VaultCredentialWrongKeyUsage',
  /** The agent's own id for an expired file; the vault answers with it too. */
  Expired: 'CBPUserExpiredVaultCredential',
  NotYetValid: 'VaultCredentialNotYetValid',
  ClockSkew: 'VaultCredentialClockSkew',
  /** The agent's "unable to read the vault credentials file". */
  Unreadable: '34528',
} as const;
export type CredentialsCode = (typeof CredentialsCode)[keyof typeof CredentialsCode];

/** The agent's "invalid vault credentials: corrupted, expired, renamed, or not the latest". */
const INVALID = '34513';

export function credentialsError(
  code: CredentialsCode,
  message: string,
  params: ErrorParams = {},
  cause?: unknown,
): SetupError {
  const agentCode = code === CredentialsCode.Unreadable ? CredentialsCode.Unreadable : INVALID;
  return new SetupError(code, message, { agentCode, ...params }, cause === undefined ? undefined : { cause });
}

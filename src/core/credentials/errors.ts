import { SetupError, type ErrorParams } from '../errors';

/**
 * Every refusal of a vault credentials file. Adapters localise each one; the agent's own IDs
 * (agent facts §2) are kept where they are the code, and added as `agentCode` everywhere else.
 */
export const CREDENTIALS_ERROR_CODES = [
  'VaultCredentialBadExtension',
  'VaultCredentialTooLarge',
  'VaultCredentialInvalidEncoding',
  'VaultCredentialEncodingMismatch',
  'VaultCredentialUnsupportedEncoding',
  'VaultCredentialUnsafeXml',
  'VaultCredentialMalformedXml',
  'VaultCredentialWrongRoot',
  'VaultCredentialLegacy',
  'VaultCredentialSiteRecovery',
  'VaultCredentialInvalidField',
  'VaultCredentialCorruptCertificate',
  'VaultCredentialPfxPassword',
  'VaultCredentialNoPrivateKey',
  'VaultCredentialKeyMismatch',
  'VaultCredentialWrongKeyUsage',
  'CBPUserExpiredVaultCredential',
  'VaultCredentialNotYetValid',
  'VaultCredentialClockSkew',
  '34528',
] as const;
export type CredentialsErrorCode = (typeof CREDENTIALS_ERROR_CODES)[number];

/** The agent's "unable to read the vault credentials file". */
const UNREADABLE = '34528';
/** The agent's "invalid vault credentials: corrupted, expired, renamed, or not the latest". */
const INVALID = '34513';

export function credentialsError(
  code: CredentialsErrorCode,
  message: string,
  params: ErrorParams = {},
  cause?: unknown,
): SetupError {
  const agentCode = code === UNREADABLE ? UNREADABLE : INVALID;
  return new SetupError(code, message, { agentCode, ...params }, cause === undefined ? undefined : { cause });
}

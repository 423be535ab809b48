/**
 * Every refusal made actionable: each code gets a next step (`params.action`) the adapters turn
 * into a button that runs the fixing command, or an instruction where no command can fix it.
 * The vault's own codes keep their ids (the real vault's where agent facts §2 gives one) and get our
 * wording; network and HTTP codes keep the HTTP stack's wording and only gain the next step; the
 * setup's own codes have theirs in ../nextSteps.ts.
 */
import type { CredentialsErrorCode } from '../credentials/errors';
import { SetupError, type ErrorParams } from '../errors';
import { NetworkCode } from '../http/networkErrors';
import { HttpCode } from '../http/request';
import { isNextAction, type NextAction } from '../nextActions';
import { SETUP_ACTIONS } from '../nextSteps';

export { NEXT_ACTIONS, isNextAction, nextStep, type NextAction } from '../nextActions';

interface VaultRefusal {
  action: NextAction;
  message: (p: ErrorParams) => string;
  /** The agent's id for the situation (agent facts §2), when it has one of its own. */
  agentCode?: string;
}

const INVALID_CREDENTIALS = '34513';

/** The codes the vault answers the registration API with (see src/vault/errors.ts). */
const VAULT_REFUSALS = {
  CBPUserExpiredVaultCredential: {
    action: 'downloadNewCredentials',
    agentCode: INVALID_CREDENTIALS,
    message: () => 'The vault says this credentials file has expired. Download a new one from the vault and use it soon.',
  },
  [INVALID_CREDENTIALS]: {
    action: 'downloadNewCredentials',
    message: () => 'The vault does not accept this credentials file: a newer one was downloaded since, or it is not from this vault. Download a new one.',
  },
  CBPVaultCredentialNotYetValid: {
    action: 'checkClock',
    agentCode: INVALID_CREDENTIALS,
    message: () => "The vault says this credentials file is not valid yet. Check this computer's date, time and time zone.",
  },
  '100110': {
    action: 'useCredentialsOfRegisteredVault',
    message: (p) => `This server is already registered with ${p.vault ? `vault ${p.vault}` : 'another vault'}. Use that vault's credentials, or unregister the server there first.`,
  },
  VaultMachineLimitReached: {
    action: 'unregisterAnotherMachine',
    message: (p) => `The vault already has the most servers it accepts${p.limit ? ` (${p.limit})` : ''}. Unregister one first.`,
  },
  SecurityPinInvalid: { action: 'generateNewSecurityPin', message: () => 'The security PIN is not valid for this vault. Generate a new one in the vault.' },
  SecurityPinExpired: { action: 'generateNewSecurityPin', message: () => 'The security PIN has expired (PINs last 5 minutes). Generate a new one in the vault.' },
  SecurityPinAlreadyUsed: { action: 'generateNewSecurityPin', message: () => 'The security PIN was already used. Generate a new one in the vault.' },
  MachineCertificateSuperseded: {
    action: 'registerAgain',
    message: () => 'This server was registered again elsewhere with the same identity, which replaced its certificate. Register it again here.',
  },
  MachineCertificateExpired: { action: 'registerAgain', message: () => "This server's vault certificate has expired. Register it again." },
  MachineCertificateUntrusted: { action: 'registerAgain', message: () => "The vault did not issue this server's certificate. Register it again." },
  RegistrationForbidden: { action: 'registerAgain', message: () => "This server's certificate belongs to another registration. Register it again." },
  RegistrationNotFound: { action: 'registerAgain', message: () => 'The vault has no record of this registration. Register the server again.' },
  RegistrationNotActive: { action: 'registerAgain', message: (p) => `The registration is ${p.status ?? 'no longer active'}. Register the server again.` },
  ClientCertificateRequired: { action: 'reportProblem', message: () => 'The vault asked for a client certificate that was not sent.' },
  CsrInvalid: { action: 'reportProblem', message: () => 'The vault refused the certificate request this setup made.' },
  '400': { action: 'reportProblem', message: () => 'The vault refused the request as malformed.' },
  PayloadTooLarge: { action: 'reportProblem', message: () => 'The vault refused the request as too large.' },
  NotFound: { action: 'checkVaultEndpoint', message: () => 'The registration endpoint in the credentials file does not offer this API.' },
  MethodNotAllowed: { action: 'checkVaultEndpoint', message: () => 'The registration endpoint in the credentials file does not offer this API.' },
  InternalError: { action: 'retryLater', message: () => 'The vault failed to handle the request. Try again later.' },
} satisfies Record<string, VaultRefusal>;

export type VaultRefusalCode = keyof typeof VAULT_REFUSALS;

/** Next steps for network and HTTP failures, whose messages already say what happened. */
const TRANSPORT_ACTIONS: Record<NetworkCode | (typeof HttpCode)[keyof typeof HttpCode], NextAction> = {
  [NetworkCode.DnsLookupFailed]: 'checkNetwork',
  [NetworkCode.ConnectionRefused]: 'checkVaultEndpoint',
  [NetworkCode.HostUnreachable]: 'checkNetwork',
  [NetworkCode.ConnectionReset]: 'retryLater',
  [NetworkCode.ConnectTimeout]: 'checkNetwork',
  [NetworkCode.ResponseTimeout]: 'retryLater',
  [NetworkCode.ProxyUnreachable]: 'checkProxySettings',
  [NetworkCode.ProxyAuthRequired]: 'checkProxyCredentials',
  [NetworkCode.ProxyConnectFailed]: 'checkProxySettings',
  [NetworkCode.TlsUntrustedCertificate]: 'trustVaultCertificate',
  [NetworkCode.TlsHostnameMismatch]: 'checkVaultEndpoint',
  [NetworkCode.TlsCertificateExpired]: 'checkClock',
  [NetworkCode.TlsCertificateNotYetValid]: 'checkClock',
  [NetworkCode.TlsClientCertificateRejected]: 'downloadNewCredentials',
  [NetworkCode.TlsHandshakeFailed]: 'checkNetwork',
  [NetworkCode.NetworkError]: 'checkNetwork',
  [HttpCode.HttpError]: 'retryLater',
  [HttpCode.InvalidResponse]: 'checkVaultEndpoint',
  [HttpCode.ResponseTooLarge]: 'checkVaultEndpoint',
};

/** Next steps for the credentials file's own refusals (this machine's reading of it): every code has one. */
const CREDENTIALS_ACTIONS: Record<CredentialsErrorCode, NextAction> = {
  VaultCredentialBadExtension: 'renameCredentialsFile',
  VaultCredentialTooLarge: 'downloadNewCredentials',
  VaultCredentialInvalidEncoding: 'downloadNewCredentials',
  VaultCredentialEncodingMismatch: 'downloadNewCredentials',
  VaultCredentialUnsupportedEncoding: 'downloadNewCredentials',
  VaultCredentialUnsafeXml: 'downloadNewCredentials',
  VaultCredentialMalformedXml: 'downloadNewCredentials',
  VaultCredentialWrongRoot: 'downloadNewCredentials',
  VaultCredentialLegacy: 'downloadNewCredentials',
  VaultCredentialSiteRecovery: 'downloadNewCredentials',
  VaultCredentialInvalidField: 'downloadNewCredentials',
  VaultCredentialCorruptCertificate: 'downloadNewCredentials',
  VaultCredentialPfxPassword: 'downloadNewCredentials',
  VaultCredentialNoPrivateKey: 'downloadNewCredentials',
  VaultCredentialKeyMismatch: 'downloadNewCredentials',
  VaultCredentialWrongKeyUsage: 'downloadNewCredentials',
  CBPUserExpiredVaultCredential: 'downloadNewCredentials',
  VaultCredentialNotYetValid: 'waitAndRetry',
  VaultCredentialClockSkew: 'checkClock',
  '34528': 'checkFileAccess',
};

export function isVaultRefusalCode(code: string): code is VaultRefusalCode {
  return Object.hasOwn(VAULT_REFUSALS, code);
}

/** The next step for a code, if one is known. */
export function nextActionFor(code: string): NextAction | undefined {
  if (isVaultRefusalCode(code)) return VAULT_REFUSALS[code].action;
  for (const table of [TRANSPORT_ACTIONS, CREDENTIALS_ACTIONS, SETUP_ACTIONS] as Array<Readonly<Record<string, NextAction>>>) {
    if (Object.hasOwn(table, code)) return table[code];
  }
  return undefined;
}

/** The next step surfaces show for an error: its own, else its code's, else reporting the problem. */
export function actionOf(error: { code: string; params: ErrorParams }): NextAction {
  return isNextAction(error.params.action) ? error.params.action : (nextActionFor(error.code) ?? 'reportProblem');
}

/** A refusal the vault sent (rather than one this machine made, possibly with the same code). */
function fromVault(err: SetupError): boolean {
  return err.params.httpStatus !== undefined;
}

/**
 * The same failure with its next step: its code's, or reporting the problem for a code nobody
 * knows (a newer vault's, say). Vault refusals get our message (the vault's wording is not
 * localisable); everything else keeps its message. Errors that are not SetupErrors, and those
 * that already name a next step, pass through.
 */
export function withNextStep(err: SetupError): SetupError;
export function withNextStep(err: unknown): unknown;
export function withNextStep(err: unknown): unknown {
  if (!(err instanceof SetupError) || err.params.action !== undefined) return err;
  const action = actionOf(err);
  // The credentials parser's own refusals (an expired file seen here) keep their wording.
  const local = !fromVault(err) && Object.hasOwn(CREDENTIALS_ACTIONS, err.code);
  if (local || !isVaultRefusalCode(err.code)) {
    return new SetupError(err.code, err.message, { ...err.params, action }, { cause: err.cause ?? err });
  }
  const refusal: VaultRefusal = VAULT_REFUSALS[err.code];
  const agentCode = refusal.agentCode ?? err.params.agentCode;
  // The vault's own sentence can name what its error body does not carry as a field (the other vault, the limit).
  const vaultMessage: ErrorParams = fromVault(err) && err.message ? { vaultMessage: err.message } : {};
  const params: ErrorParams = { ...err.params, action, ...(agentCode ? { agentCode } : {}), ...vaultMessage };
  return new SetupError(err.code, refusal.message(params), params, { cause: err });
}

/**
 * Every refusal made actionable: each code gets its next step from the catalogue
 * (../errorCatalogue.ts) as `params.action`, which the adapters turn into a button that runs the
 * fixing command, or an instruction where no command can fix it. The vault's own codes keep
 * their ids (the real vault's where agent facts §2 gives one) and get our wording; every other code
 * keeps its message and only gains the next step.
 */
import { ERROR_CATALOGUE, isErrorCode, nextActionOf } from '../errorCatalogue';
import { SetupError, type ErrorParams } from '../errors';
import { isNextAction, type NextAction } from '../nextActions';
import type { VaultCode } from '../vaultCodes';

export { NEXT_ACTIONS, isNextAction, nextStep, type NextAction } from '../nextActions';

interface VaultRefusal {
  message: (p: ErrorParams) => string;
  /** The agent's id for the situation (agent facts §2), when it has one of its own. */
  agentCode?: string;
}

const INVALID_CREDENTIALS = '34513';

/** Our wording for the codes the vault answers the registration API with (see src/vault/errors.ts). */
const VAULT_REFUSALS = {
  CBPUserExpiredVaultCredential: {
    agentCode: INVALID_CREDENTIALS,
    message: () => 'The vault says this credentials file has expired. Download a new one from the vault and use it soon.',
  },
  [INVALID_CREDENTIALS]: {
    message: () => 'The vault does not accept this credentials file: a newer one was downloaded since, or it is not from this vault. Download a new one.',
  },
  CBPVaultCredentialNotYetValid: {
    agentCode: INVALID_CREDENTIALS,
    message: () => "The vault says this credentials file is not valid yet. Check this computer's date, time and time zone.",
  },
  '100110': {
    message: (p) => `This server is already registered with ${p.vault ? `vault ${p.vault}` : 'another vault'}. Use that vault's credentials, or unregister the server there first.`,
  },
  VaultMachineLimitReached: {
    message: (p) => `The vault already has the most servers it accepts${p.limit ? ` (${p.limit})` : ''}. Unregister one first.`,
  },
  SecurityPinInvalid: { message: () => 'The security PIN is not valid for this vault. Generate a new one in the vault.' },
  SecurityPinExpired: { message: () => 'The security PIN has expired (PINs last 5 minutes). Generate a new one in the vault.' },
  SecurityPinAlreadyUsed: { message: () => 'The security PIN was already used. Generate a new one in the vault.' },
  MachineCertificateSuperseded: {
    message: () => 'This server was registered again elsewhere with the same identity, which replaced its certificate. Register it again here.',
  },
  MachineCertificateExpired: { message: () => "This server's vault certificate has expired. Register it again." },
  MachineCertificateUntrusted: { message: () => "The vault did not issue this server's certificate. Register it again." },
  RegistrationForbidden: { message: () => "This server's certificate belongs to another registration. Register it again." },
  RegistrationNotFound: { message: () => 'The vault has no record of this registration. Register the server again.' },
  RegistrationNotActive: { message: (p) => `The registration is ${p.status ?? 'no longer active'}. Register the server again.` },
  ClientCertificateRequired: { message: () => 'The vault asked for a client certificate that was not sent.' },
  CsrInvalid: { message: () => 'The vault refused the certificate request this setup made.' },
  '400': { message: () => 'The vault refused the request as malformed.' },
  PayloadTooLarge: { message: () => 'The vault refused the request as too large.' },
  NotFound: { message: () => 'The registration endpoint in the credentials file does not offer this API.' },
  MethodNotAllowed: { message: () => 'The registration endpoint in the credentials file does not offer this API.' },
  InternalError: { message: () => 'The vault failed to handle the request. Try again later.' },
} satisfies Partial<Record<VaultCode, VaultRefusal>>;

export type VaultRefusalCode = keyof typeof VAULT_REFUSALS;

export function isVaultRefusalCode(code: string): code is VaultRefusalCode {
  return Object.hasOwn(VAULT_REFUSALS, code);
}

/** What the surface knows that changes a next step: whether Azure can make a fresh file now. */
export interface NextStepContext {
  /** Signed in to Azure (or the configured Resource Manager): a fresh file is one command away. */
  signedInToAzure?: boolean;
}

/** A file that no longer works because of its age or a newer file: expired (here or at the vault) or superseded (34513). */
const STALE_CREDENTIALS_CODES: ReadonlySet<string> = new Set(['CBPUserExpiredVaultCredential', INVALID_CREDENTIALS]);

/**
 * The next step surfaces show for an error: its own, else its code's, else reporting the problem.
 * An expired or superseded file, while signed in to Azure, gets a fresh file from Azure instead of
 * a trip to the portal.
 */
export function actionOf(error: { code: string; params: ErrorParams }, context: NextStepContext = {}): NextAction {
  const action = isNextAction(error.params.action) ? error.params.action : isErrorCode(error.code) ? nextActionOf(error.code) : 'reportProblem';
  return context.signedInToAzure && action === 'downloadNewCredentials' && STALE_CREDENTIALS_CODES.has(error.code) ? 'getCredentialsFromAzure' : action;
}

/** A refusal the vault sent (rather than one this machine made, possibly with the same code). */
function fromVault(err: SetupError): boolean {
  return err.params.httpStatus !== undefined;
}

/**
 * The same failure with its next step, its code's in the catalogue. Vault refusals get our
 * message (the vault's wording is not localisable); everything else keeps its message. Errors
 * that are not SetupErrors, and those that already name a next step, pass through.
 */
export function withNextStep(err: SetupError): SetupError;
export function withNextStep(err: unknown): unknown;
export function withNextStep(err: unknown): unknown {
  if (!(err instanceof SetupError) || err.params.action !== undefined) return err;
  const action = actionOf(err);
  // The credentials parser's own refusals (an expired file seen here) keep their wording.
  const local = !fromVault(err) && Object.hasOwn(ERROR_CATALOGUE.credentials, err.code);
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

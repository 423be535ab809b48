import { SetupError, type ErrorParams } from '../core/errors';

/**
 * Every code the vault answers with. The numeric and CBP ids are the real vault's (agent facts
 * §2) so that agents and the extension map them the same way for both vaults.
 */
export const VaultCode = {
  BadRequest: '400',
  CsrInvalid: 'CsrInvalid',
  ClientCertificateRequired: 'ClientCertificateRequired',
  CredentialsInvalid: '34513',
  CredentialsExpired: 'CBPUserExpiredVaultCredential',
  CredentialsNotYetValid: 'CBPVaultCredentialNotYetValid',
  MachineCertificateUntrusted: 'MachineCertificateUntrusted',
  MachineCertificateSuperseded: 'MachineCertificateSuperseded',
  MachineCertificateExpired: 'MachineCertificateExpired',
  RegistrationForbidden: 'RegistrationForbidden',
  RegistrationNotFound: 'RegistrationNotFound',
  RegistrationNotActive: 'RegistrationNotActive',
  RegisteredToAnotherVault: '100110',
  MachineLimitReached: 'VaultMachineLimitReached',
  SecurityPinInvalid: 'SecurityPinInvalid',
  SecurityPinExpired: 'SecurityPinExpired',
  SecurityPinAlreadyUsed: 'SecurityPinAlreadyUsed',
  PayloadTooLarge: 'PayloadTooLarge',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  AgentPackageUnavailable: 'AgentPackageUnavailable',
  RangeNotSatisfiable: 'RangeNotSatisfiable',
  AdminTokenRequired: 'AdminTokenRequired',
  VaultNotFound: 'VaultNotFound',
  VaultAlreadyExists: 'VaultAlreadyExists',
  Internal: 'InternalError',
  // Start-up and CLI failures: never sent over HTTP.
  DataCorrupt: 'VaultDataCorrupt',
  DataUnreadable: 'VaultDataUnreadable',
  DataInUse: 'VaultDataInUse',
  DataBusy: 'VaultDataBusy',
  ServiceUnreachable: 'VaultServiceUnreachable',
  PortInUse: 'VaultPortInUse',
  PortForbidden: 'VaultPortForbidden',
} as const;
export type VaultCode = (typeof VaultCode)[keyof typeof VaultCode];

const HTTP_STATUS: Partial<Record<VaultCode, number>> = {
  '400': 400,
  CsrInvalid: 400,
  ClientCertificateRequired: 401,
  '34513': 401,
  CBPUserExpiredVaultCredential: 401,
  CBPVaultCredentialNotYetValid: 401,
  MachineCertificateUntrusted: 401,
  MachineCertificateSuperseded: 401,
  MachineCertificateExpired: 401,
  AdminTokenRequired: 401,
  RegistrationForbidden: 403,
  VaultMachineLimitReached: 403,
  SecurityPinInvalid: 403,
  SecurityPinExpired: 403,
  SecurityPinAlreadyUsed: 403,
  RegistrationNotFound: 404,
  NotFound: 404,
  VaultNotFound: 404,
  AgentPackageUnavailable: 404,
  MethodNotAllowed: 405,
  RegistrationNotActive: 409,
  '100110': 409,
  VaultAlreadyExists: 409,
  PayloadTooLarge: 413,
  RangeNotSatisfiable: 416,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A refusal with a stable code, the HTTP status it maps to, and optional structured details. */
export class VaultError extends SetupError {
  readonly status: number;

  constructor(
    code: VaultCode,
    message: string,
    readonly details?: unknown,
    params: ErrorParams = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, params, options);
    this.status = HTTP_STATUS[code] ?? 500;
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Rebuilds a VaultError from an error body received over HTTP (the admin client). */
export function vaultErrorFromBody(status: number, body: unknown): VaultError {
  const error = (body as Partial<ErrorBody> | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new VaultError(error.code as VaultCode, error.message, error.details);
  }
  return new VaultError(VaultCode.Internal, `Unexpected HTTP ${status} from the vault service`);
}

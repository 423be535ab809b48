import { SetupError, type ErrorParams } from '../core/errors';
import { VaultCode, isVaultCode } from '../core/vaultCodes';

export { VaultCode };

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
    if (isVaultCode(error.code)) return new VaultError(error.code, error.message, error.details);
    return new VaultError(VaultCode.Unknown, error.message, error.details, { vaultCode: error.code, httpStatus: status });
  }
  return new VaultError(VaultCode.Internal, `Unexpected HTTP ${status} from the vault service`);
}

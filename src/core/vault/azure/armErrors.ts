/**
 * Resource Manager's refusals (the SDK's RestError, ARM's `{"error":{"code","message"}}`) as
 * SetupErrors, one code per status a user acts on differently: 401 sign in again, 403 ask for the
 * named role, 404 check the names, 429 wait as long as Retry-After says (the retry does), 5xx try
 * later. The RestError is not kept as the cause: it holds the request, Authorization header included.
 */
import { SetupError, type ErrorParams } from '../../errors';
import { parseRetryAfter } from '../../http/retry';
import { nextStep } from '../../nextActions';

/** What was being done, for the messages. */
export interface ArmCall {
  /** "list the vaults of subscription S", as a sentence's object. */
  action: string;
  /** "vault V in resource group G": what a 404 did not find. */
  resource: string;
  /** The built-in role the call needs there, named by a 403. */
  role: string;
  /** The Resource Manager's host. */
  host: string;
}

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: unknown;
  response?: { headers: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

function isRestError(err: unknown): err is RestErrorLike & Error {
  return err instanceof Error && err.name === 'RestError' && typeof (err as RestErrorLike).statusCode === 'number';
}

/** ARM's own error code and message, from the parsed details or the raw body. */
function armErrorBody(err: RestErrorLike): { code?: string; message?: string } {
  const fromDetails = (err.details as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  let body = fromDetails;
  if (!body && err.response?.bodyAsText) {
    try {
      body = (JSON.parse(err.response.bodyAsText) as { error?: { code?: unknown; message?: unknown } }).error;
    } catch {
      // Not ARM's envelope: the status says enough.
    }
  }
  return {
    code: typeof body?.code === 'string' ? body.code.slice(0, 80) : undefined,
    message: typeof body?.message === 'string' ? body.message.slice(0, 300) : undefined,
  };
}

/** `err` as the SetupError a user acts on; anything but an HTTP refusal (a network error, a cancel) passes through. */
export function armError(err: unknown, call: ArmCall): unknown {
  if (!isRestError(err)) return err;
  const status = err.statusCode!;
  const arm = armErrorBody(err);
  const params: ErrorParams = { httpStatus: status, host: call.host, ...(arm.code ? { armCode: arm.code } : {}) };
  const why = `HTTP ${status}${arm.code ? `, ${arm.code}` : ''}`;
  switch (true) {
    case status === 401:
      return new SetupError('AzureSignInRequired', `Azure Resource Manager at ${call.host} did not accept the sign-in to ${call.action} (${why}). Sign in again.`, { ...params, ...nextStep('signInToAzure') });
    case status === 403:
      return new SetupError('AzureAccessDenied', `Your account may not ${call.action} (${why}): it needs the ${call.role} role on ${call.resource}.`, {
        ...params,
        role: call.role,
        resource: call.resource,
        ...nextStep('askForAzureRole'),
      });
    case status === 404:
      return new SetupError('AzureResourceNotFound', `Azure Resource Manager found no ${call.resource} (${why}). Check the subscription, resource group and names, and that your account can see them.`, {
        ...params,
        resource: call.resource,
        ...nextStep('checkAzureVault'),
      });
    case status === 429: {
      const retryAfterMs = parseRetryAfter(err.response?.headers.get('retry-after'));
      return new SetupError('AzureThrottled', `Azure Resource Manager asked to slow down while trying to ${call.action} (${why}${retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`}).`, {
        ...params,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...nextStep('waitAndRetry'),
      });
    }
    case status >= 500:
      return new SetupError('AzureServiceUnavailable', `Azure Resource Manager failed to ${call.action} (${why}).`, { ...params, ...nextStep('retryLater') });
    default:
      return new SetupError('AzureRequestFailed', `Azure Resource Manager refused to ${call.action} (${why})${arm.message ? `: ${arm.message}` : '.'}`, { ...params, ...nextStep('reportProblem') });
  }
}

import { request, type Dispatcher } from './undici';
import * as z from 'zod';
import { CancelledError, SetupError, throwIfAborted, type ErrorParams } from '../errors';
import { VaultCode, isVaultCode } from '../vaultCodes';
import { NetworkCode, diagnoseSocketError, networkError, networkTarget, type NetworkTarget } from './networkErrors';

/** Codes for answers that arrived but cannot be used. */
export const HttpCode = {
  HttpError: 'HttpError',
  ResponseTooLarge: 'ResponseTooLarge',
  InvalidResponse: 'InvalidResponse',
} as const;
export type HttpCode = (typeof HttpCode)[keyof typeof HttpCode];

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface RequestJsonOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Validates a 2xx body; without it the parsed JSON is returned as `unknown`. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
  /** The whole exchange, connect to last byte. */
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface JsonResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
}

/** The vault's error body. */
const vaultErrorSchema = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().default(''),
    details: z.unknown().optional(),
  }),
});

/**
 * One JSON request through an explicit dispatcher. Resolves with a 2xx answer; everything else
 * becomes a SetupError: the vault's own error code when it sent one, otherwise a network or
 * HTTP code (see networkErrors.ts) with `httpStatus` for the retry policy. Aborting `signal`
 * throws CancelledError.
 */
export async function requestJson<T = unknown>(
  dispatcher: Dispatcher,
  url: string | URL,
  options: RequestJsonOptions<T> = {},
): Promise<JsonResponse<T>> {
  const { method = 'GET', body, signal, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = options;
  throwIfAborted(signal);
  const target = new URL(url);
  const netTarget = networkTarget(target, dispatcher);
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

  const fail = (err: unknown): never => {
    if (signal?.aborted) throw new CancelledError();
    if (err instanceof SetupError) throw err;
    if (timeout.aborted) {
      throw networkError({ code: NetworkCode.ResponseTimeout, params: { timeoutMs } }, netTarget, err);
    }
    throw networkError(diagnoseSocketError(err, netTarget.proxy !== undefined), netTarget, err);
  };

  let status: number;
  let headers: JsonResponse<T>['headers'];
  let text: string;
  try {
    const response = await request(dispatcher, target, {
      method,
      signal: combined,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    status = response.statusCode;
    headers = response.headers;
    text = await readCapped(response, maxResponseBytes, netTarget);
  } catch (err) {
    return fail(err);
  }

  const parsed = parseJson(text);
  if (status < 200 || status > 299) throw httpFailure(status, parsed, netTarget);
  if (parsed.ok === false) throw invalidResponse(netTarget, 'the body is not JSON');
  if (!options.schema) return { status, headers, data: parsed.value as T };
  const checked = options.schema.safeParse(parsed.value);
  if (!checked.success) {
    throw invalidResponse(netTarget, checked.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return { status, headers, data: checked.data };
}

/** Reads the body as text, refusing (and dropping the connection) past `limit` bytes. */
export async function readCapped(response: Dispatcher.ResponseData, limit: number, target: Pick<NetworkTarget, 'host'>): Promise<string> {
  const tooLarge = () =>
    new SetupError(HttpCode.ResponseTooLarge, `The answer from ${target.host} is larger than ${limit} bytes.`, {
      host: target.host,
      limitBytes: limit,
    });
  return (await readBodyCapped(response, limit, tooLarge)).toString('utf8');
}

/** Reads the body; past `limit` bytes (announced or counted) drops the connection and throws `tooLarge()`. */
export async function readBodyCapped(response: Dispatcher.ResponseData, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const refuse = () => {
    response.body.destroy();
    return tooLarge();
  };
  if (Number(response.headers['content-length']) > limit) throw refuse();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += (chunk as Buffer).length;
    if (total > limit) throw refuse();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

type Parsed = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function httpFailure(status: number, parsed: Parsed, target: NetworkTarget): SetupError {
  const vault = parsed.ok ? vaultErrorSchema.safeParse(parsed.value) : undefined;
  if (vault?.success) {
    const { code, message, details } = vault.data.error;
    const params: ErrorParams = { ...primitiveFields(details), httpStatus: status };
    const text = message || `The vault refused the request (HTTP ${status}, ${code}).`;
    // A code this build does not know (a newer vault's) keeps the vault's message; the raw code goes along.
    if (!isVaultCode(code)) return new SetupError(VaultCode.Unknown, text, { ...params, vaultCode: code });
    return new SetupError(code, text, params);
  }
  return new SetupError(HttpCode.HttpError, `${target.host} answered HTTP ${status}.`, { host: target.host, httpStatus: status });
}

function invalidResponse(target: NetworkTarget, reason: string): SetupError {
  return new SetupError(HttpCode.InvalidResponse, `The answer from ${target.host} is not what was expected (${reason}).`, {
    host: target.host,
    reason,
  });
}

/** Error params are flat; nested detail values are left out rather than stringified. */
function primitiveFields(details: unknown): ErrorParams {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return {};
  return Object.fromEntries(
    Object.entries(details).filter(
      (entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]),
    ),
  );
}

/** The HTTP status a SetupError from requestJson carries, if the server answered at all. */
export function httpStatusOf(err: unknown): number | undefined {
  return err instanceof SetupError && typeof err.params.httpStatus === 'number' ? err.params.httpStatus : undefined;
}

import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError, SetupError, isSetupError, throwIfAborted } from '../errors';
import { NetworkCode } from './networkErrors';
import { httpStatusOf } from './request';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  isRetryable?: (err: unknown) => boolean;
  /** The longest Retry-After a server's answer may make us wait; longer asks fail at once. */
  maxRetryAfterMs?: number;
  /** Called before each wait, for the log. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_RETRY = { retries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 } as const;

/**
 * Worth another try: the server failed (5xx), asked us to slow down (429) or the connection was
 * reset. Any other 4xx is an answer about the request itself and repeating it cannot change it.
 */
export function isRetryableError(err: unknown): boolean {
  const status = httpStatusOf(err);
  if (status !== undefined) return status >= 500 || status === 429;
  return isSetupError(err, NetworkCode.ConnectionReset);
}

/**
 * Exponential backoff with "equal jitter": half of the capped exponential step is fixed, half
 * random, so delays keep growing while simultaneous clients still spread out.
 */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** The wait a refusal asked for (its `retryAfterMs` param, from a Retry-After header), if any. */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof SetupError && typeof err.params.retryAfterMs === 'number' ? err.params.retryAfterMs : undefined;
}

/** Retry-After's value (delay-seconds or an HTTP date) in milliseconds from `now`; undefined when it is neither. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Runs `operation` until it succeeds, fails for good, or the retries run out. A refusal that says
 * how long to wait (retryAfterOf) is retried after exactly that, unless it asks for more than
 * maxRetryAfterMs.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries, baseDelayMs, maxDelayMs, maxRetryAfterMs } = { ...DEFAULT_RETRY, ...options };
  const isRetryable = options.isRetryable ?? isRetryableError;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (error instanceof CancelledError || attempt > retries || !isRetryable(error)) throw error;
      const asked = retryAfterOf(error);
      if (asked !== undefined && asked > maxRetryAfterMs) throw error;
      const delayMs = asked ?? backoffDelayMs(attempt, baseDelayMs, maxDelayMs);
      options.onRetry?.({ attempt, delayMs, error });
      try {
        await delay(delayMs, undefined, { signal: options.signal });
      } catch {
        throw new CancelledError();
      }
    }
  }
}

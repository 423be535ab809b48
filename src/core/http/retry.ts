import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError, isSetupError, throwIfAborted } from '../errors';
import { NetworkCode } from './networkErrors';
import { httpStatusOf } from './request';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  isRetryable?: (err: unknown) => boolean;
  /** Called before each wait, for the log. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_RETRY = { retries: 3, baseDelayMs: 500, maxDelayMs: 8_000 } as const;

/**
 * Worth another try: the server failed (5xx) or the connection was reset. A 4xx is an answer
 * about the request itself and repeating it cannot change it.
 */
export function isRetryableError(err: unknown): boolean {
  const status = httpStatusOf(err);
  if (status !== undefined) return status >= 500;
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

/** Runs `operation` until it succeeds, fails for good, or the retries run out. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries, baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options };
  const isRetryable = options.isRetryable ?? isRetryableError;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (error instanceof CancelledError || attempt > retries || !isRetryable(error)) throw error;
      const delayMs = backoffDelayMs(attempt, baseDelayMs, maxDelayMs);
      options.onRetry?.({ attempt, delayMs, error });
      try {
        await delay(delayMs, undefined, { signal: options.signal });
      } catch {
        throw new CancelledError();
      }
    }
  }
}

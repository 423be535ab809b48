/**
 * Every refusal in the setup is a SetupError: a stable code (the vault's and the agent's IDs
 * where agent facts §2 gives one), parameters for localisation, and an English default message.
 * Adapters localise by code and params; the message never carries a secret. Every code is in
 * the catalogue (errorCatalogue.ts), with its next step.
 */
import type { ErrorCode } from './errorCatalogue';

export type ErrorParams = Record<string, string | number | boolean>;

export class SetupError extends Error {
  override readonly name = 'SetupError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params: ErrorParams = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: ErrorCode; message: string; params: ErrorParams } {
    return { code: this.code, message: this.message, params: this.params };
  }
}

/** Outside text (a file's, a server's, what was typed) goes into an error's params and message only this long. */
export function clipParam(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function isSetupError(err: unknown, code?: ErrorCode): err is SetupError {
  return err instanceof SetupError && (code === undefined || err.code === code);
}

/** A cancelled operation. Adapters treat it as silent. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('Cancelled');
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** `promise`, or a CancelledError as soon as `signal` aborts (`promise` itself is not stopped). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError());
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

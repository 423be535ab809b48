/**
 * What the CLI prints: human-readable text by default, or with --json exactly one JSON object on
 * stdout ({ ok, command, result } or { ok: false, command, error }). Progress, warnings and the
 * log go to stderr, so stdout stays parseable.
 */
import type { ErrorParams } from '../core/errors';
import type { Logger } from '../core/log';
import { NEXT_ACTION_INSTRUCTIONS } from '../core/nextActionInstructions';
import { isNextAction } from '../core/nextActions';

export interface CliError {
  code: string;
  message: string;
  params: ErrorParams;
}

export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Thrown after a failure was already printed: the caller only sets the exit code. */
export class ReportedFailure extends Error {}

/** What a system error code means, for the errors that carry one (`params.reason`). */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  EBUSY: 'it is in use',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  notAFile: 'it is not a regular file',
};

/**
 * The path and the cause, when the error's params carry them and its message does not already
 * say them: "could not be read" alone leaves the reader guessing which file, and why.
 */
function whereAndWhy(error: CliError): string {
  const { params, message } = error;
  const place = [params.file, params.path, params.folder].find((v) => typeof v === 'string' && v !== '' && !message.includes(v));
  const reason = typeof params.reason === 'string' ? params.reason : undefined;
  const cause = reason && !message.includes(reason) ? `${ERRNO_TEXT[reason] ?? reason}${ERRNO_TEXT[reason] ? ` (${reason})` : ''}` : undefined;
  return [place && `\n  Path:  ${String(place)}`, cause && `\n  Cause: ${cause}`].filter(Boolean).join('');
}

/** How a simulated server's output says so, in text. */
export const SIMULATED_NOTE = 'Simulated server (a test double, not Windows): nothing it answered is a real result, and nothing was registered.';

export class Output {
  /**
   * The server is a simulated shell (./simulated.ts): every output says so (`simulated: true`),
   * and the commands never report it registered.
   */
  simulated = false;

  constructor(
    private readonly streams: Streams,
    readonly json: boolean,
    private readonly verbose: boolean,
  ) {}

  /** A finished command: its result as JSON, or these lines of text. */
  done(command: string, result: unknown, text: readonly string[]): void {
    if (this.json) this.streams.stdout(`${JSON.stringify({ ok: true, command, result, ...this.label() })}\n`);
    else this.streams.stdout(`${[...text, ...(this.simulated ? [SIMULATED_NOTE] : [])].join('\n')}\n`);
  }

  /** A refusal or failure; `result` carries a report that explains it (a failed check). */
  failed(command: string, error: CliError, result?: unknown, text: readonly string[] = []): void {
    if (this.json) {
      this.streams.stdout(`${JSON.stringify({ ok: false, command, error, ...(result === undefined ? {} : { result }), ...this.label() })}\n`);
      return;
    }
    if (this.simulated) this.streams.stdout(`${SIMULATED_NOTE}\n`);
    if (text.length > 0) this.streams.stdout(`${text.join('\n')}\n`);
    const { action } = error.params;
    const next = isNextAction(action) ? `\nNext step: ${NEXT_ACTION_INSTRUCTIONS[action]}` : '';
    this.streams.stderr(`Error [${error.code}]: ${error.message}${whereAndWhy(error)}${next}\n`);
  }

  progress(stage: string, detail?: ErrorParams): void {
    if (this.json || detail?.phase === 'downloading') return;
    this.streams.stderr(`… ${stage}${detail?.phase ? ` (${String(detail.phase)})` : ''}\n`);
  }

  /** A question to the admin at the terminal (a secret's prompt): stderr, so stdout stays the result. */
  ask(text: string): void {
    this.streams.stderr(text);
  }

  private label(): { simulated?: true } {
    return this.simulated ? { simulated: true } : {};
  }

  warn(text: string): void {
    this.streams.stderr(`Warning: ${text}\n`);
  }

  /** The service's log: warnings and errors always, the rest with --verbose. */
  logger(): Logger {
    const line = (level: string, always: boolean) => (message: string) => {
      if (always || this.verbose) this.streams.stderr(`[${level}] ${message}\n`);
    };
    return { trace: line('trace', false), debug: line('debug', false), info: line('info', false), warn: line('warn', true), error: line('error', true) };
  }
}

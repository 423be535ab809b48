/**
 * What the CLI prints: human-readable text by default, or with --json exactly one JSON object on
 * stdout ({ ok, command, result } or { ok: false, command, error }). Progress, warnings and the
 * log go to stderr, so stdout stays parseable.
 */
import type { ErrorParams } from '../core/errors';
import type { Logger } from '../core/log';

export interface CliError {
  code: string;
  message: string;
  params: ErrorParams;
}

export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export class Output {
  constructor(
    private readonly streams: Streams,
    readonly json: boolean,
    private readonly verbose: boolean,
  ) {}

  /** A finished command: its result as JSON, or these lines of text. */
  done(command: string, result: unknown, text: readonly string[]): void {
    if (this.json) this.streams.stdout(`${JSON.stringify({ ok: true, command, result })}\n`);
    else this.streams.stdout(`${text.join('\n')}\n`);
  }

  /** A refusal or failure; `result` carries a report that explains it (a failed check). */
  failed(command: string, error: CliError, result?: unknown, text: readonly string[] = []): void {
    if (this.json) {
      this.streams.stdout(`${JSON.stringify({ ok: false, command, error, ...(result === undefined ? {} : { result }) })}\n`);
      return;
    }
    if (text.length > 0) this.streams.stdout(`${text.join('\n')}\n`);
    const action = error.params.action ? `\nNext step: ${String(error.params.action)}` : '';
    this.streams.stderr(`Error [${error.code}]: ${error.message}${action}\n`);
  }

  progress(stage: string, detail?: ErrorParams): void {
    if (this.json || detail?.phase === 'downloading') return;
    this.streams.stderr(`… ${stage}${detail?.phase ? ` (${String(detail.phase)})` : ''}\n`);
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

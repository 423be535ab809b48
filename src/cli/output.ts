/**
 * What the CLI prints: human-readable text by default, or with --json exactly one JSON object on
 * stdout ({ ok, command, result } or { ok: false, command, error }). Progress, warnings and the
 * log go to stderr, so stdout stays parseable.
 */
import type { ErrorParams } from '../core/errors';
import type { Logger } from '../core/log';
import { NEXT_ACTION_INSTRUCTIONS } from '../core/nextActionInstructions';
import { isNextAction } from '../core/nextActions';
import { stageLabelOf } from '../core/service/stageLabels';
import { errorText, localise, rows, t, type CliStringKey } from './strings';

export interface CliError {
  code: string;
  /** English: what --json carries. */
  message: string;
  params: ErrorParams;
  /** The text output's message, in the CLI's language, for an error the error templates do not cover (a usage error); never in --json. */
  shown?: string;
}

export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Thrown after a failure was already printed: the caller only sets the exit code. */
export class ReportedFailure extends Error {}

/** The system error codes the CLI says in words (`params.reason`), each a text of CLI_STRINGS. */
const ERRNO_CODES = ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ELOOP', 'EBUSY', 'EMFILE', 'ENOSPC', 'EROFS', 'notAFile'] as const satisfies readonly CliStringKey[];
const isErrnoCode = (reason: string): reason is (typeof ERRNO_CODES)[number] => (ERRNO_CODES as readonly string[]).includes(reason);

/**
 * The path and the cause, when the error's params carry them and its text does not already
 * say them: "could not be read" alone leaves the reader guessing which file, and why.
 */
function whereAndWhy(params: ErrorParams, shown: string): string {
  const place = [params.file, params.path, params.folder].find((v) => typeof v === 'string' && v !== '' && !shown.includes(v));
  const reason = typeof params.reason === 'string' ? params.reason : undefined;
  const cause = reason && !shown.includes(reason) ? (isErrnoCode(reason) ? `${t(reason)} (${reason})` : reason) : undefined;
  const entries: Array<[string, string]> = [];
  if (place) entries.push([t('path'), String(place)]);
  if (cause) entries.push([t('cause'), cause]);
  return rows(entries, 7).map((row) => `\n${row}`).join('');
}

/** How a simulated server's output says so, in text. */
export const simulatedNote = (): string => t('simulatedNote');

/** The install's phases (onProgress), by their texts in CLI_STRINGS. */
const PHASES = { prerequisites: 'phasePrerequisites', unpacking: 'phaseUnpacking', verifying: 'phaseVerifying', measuringData: 'phaseMeasuringData' } as const satisfies Record<string, CliStringKey>;

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
    else this.streams.stdout(`${[...text, ...(this.simulated ? [simulatedNote()] : [])].join('\n')}\n`);
  }

  /** A refusal or failure; `result` carries a report that explains it (a failed check). */
  failed(command: string, error: CliError, result?: unknown, text: readonly string[] = []): void {
    if (this.json) {
      const { code, message, params } = error;
      this.streams.stdout(`${JSON.stringify({ ok: false, command, error: { code, message, params }, ...(result === undefined ? {} : { result }), ...this.label() })}\n`);
      return;
    }
    if (this.simulated) this.streams.stdout(`${simulatedNote()}\n`);
    if (text.length > 0) this.streams.stdout(`${text.join('\n')}\n`);
    const { action } = error.params;
    const next = isNextAction(action) ? `\n${t('nextStep', localise(NEXT_ACTION_INSTRUCTIONS[action]))}` : '';
    const shown = error.shown ?? errorText(error);
    this.streams.stderr(`${t('error', error.code, shown)}${whereAndWhy(error.params, shown)}${next}\n`);
  }

  progress(stage: string, detail?: ErrorParams): void {
    if (this.json || detail?.phase === 'downloading') return;
    const english = stageLabelOf(stage);
    const label = english === undefined ? stage : localise(english);
    const phase = detail?.phase === undefined ? undefined : String(detail.phase);
    const phaseLabel = phase !== undefined && Object.hasOwn(PHASES, phase) ? t(PHASES[phase as keyof typeof PHASES]) : phase;
    this.streams.stderr(`${phaseLabel === undefined ? t('progress', label) : t('progressPhase', label, phaseLabel)}\n`);
  }

  /** A question to the admin at the terminal (a secret's prompt): stderr, so stdout stays the result. */
  ask(text: string): void {
    this.streams.stderr(text);
  }

  private label(): { simulated?: true } {
    return this.simulated ? { simulated: true } : {};
  }

  warn(text: string): void {
    this.streams.stderr(`${t('warning', text)}\n`);
  }

  /** The service's log: warnings and errors always, the rest with --verbose. */
  logger(): Logger {
    const line = (level: string, always: boolean) => (message: string) => {
      if (always || this.verbose) this.streams.stderr(`[${level}] ${message}\n`);
    };
    return { trace: line('trace', false), debug: line('debug', false), info: line('info', false), warn: line('warn', true), error: line('error', true) };
  }
}

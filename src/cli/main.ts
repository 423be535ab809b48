/**
 * `backup-agent-setup <command>` (also `npm run cli -- <command>`): an azcmagent-like command line
 * over the same SetupService the extension uses. See HELP (args.ts) for the commands and exit codes.
 * Only the grammar, the help and the completion scripts load up front: each command's code (and
 * with it ssh2, undici or node-forge) is imported when that command runs.
 */
import { CancelledError, SetupError } from '../core/errors';
import { COMMANDS, HELP, parseCommandLine, UsageError, type Shell } from './args';
import { completionScript } from './completion';
import { Output, ReportedFailure, type CliError, type Streams } from './output';

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export interface CliIo extends Streams {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  signal: AbortSignal;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const output = new Output(io, json, argv.includes('--verbose'));
  let command = argv[0] ?? '';
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      io.stdout(`${HELP}\n`);
      return EXIT.ok;
    }
    command = parsed.command;
    if (parsed.values.help) {
      io.stdout(`Usage: backup-agent-setup ${COMMANDS[parsed.command].usage}\n`);
      return EXIT.ok;
    }
    if (parsed.command === 'completion') {
      io.stdout(completionScript(parsed.positionals[0] as Shell));
      return EXIT.ok;
    }
    const { runCommand } = await import('./commands');
    await runCommand({ parsed, output, env: io.env, stdin: io.stdin, signal: io.signal });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ReportedFailure) return EXIT.failed;
    if (err instanceof UsageError) {
      output.failed(command, { code: err.code, message: err.message, params: {} });
      return EXIT.usage;
    }
    if (err instanceof CancelledError) {
      output.failed(command, { code: 'Cancelled', message: 'Cancelled.', params: {} });
      return EXIT.cancelled;
    }
    output.failed(command, await asCliError(err));
    return EXIT.failed;
  }
}

/** A refusal with its next step (loaded only on failure: the table of steps imports the HTTP stack's codes). */
async function asCliError(err: unknown): Promise<CliError> {
  if (!(err instanceof SetupError)) return { code: 'InternalError', message: `Unexpected failure: ${(err as Error)?.message ?? String(err)}`, params: {} };
  const { withNextStep } = await import('../core/registration/errors');
  return withNextStep(err).toJSON();
}

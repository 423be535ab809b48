/**
 * `backup-agent-setup <command>` (also `npm run cli -- <command>`): an azcmagent-like command line
 * over the same SetupService the extension uses. See help() (args.ts) for the commands and exit codes.
 * Only the grammar, the help and the completion scripts load up front: each command's code (and
 * with it ssh2, undici or node-forge) is imported when that command runs.
 */
import { CancelledError, SetupError } from '../core/errors';
import { commandUsage, help, parseCommandLine, UsageError, type Shell } from './args';
import { completionScript } from './completion';
import { Output, ReportedFailure, type CliError, type Streams } from './output';
import { en, t, useLocale } from './strings';

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export interface CliIo extends Streams {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  signal: AbortSignal;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  await useLocale(io.env);
  const json = argv.includes('--json');
  const output = new Output(io, json, argv.includes('--verbose'));
  let command = argv[0] ?? '';
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      io.stdout(`${help()}\n`);
      return EXIT.ok;
    }
    command = parsed.command;
    if (parsed.values.help) {
      io.stdout(`${commandUsage(parsed.command)}\n`);
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
      output.failed(command, { code: err.code, message: err.message, params: {}, shown: err.text });
      return EXIT.usage;
    }
    if (err instanceof CancelledError) {
      output.failed(command, { code: 'Cancelled', message: en('cancelled'), params: {}, shown: t('cancelled') });
      return EXIT.cancelled;
    }
    output.failed(command, await asCliError(err));
    return EXIT.failed;
  }
}

/** A refusal with its next step (loaded only on failure: the table of steps imports the HTTP stack's codes). */
async function asCliError(err: unknown): Promise<CliError> {
  if (!(err instanceof SetupError)) {
    const cause = (err as Error)?.message ?? String(err);
    return { code: 'InternalError', message: en('unexpectedFailure', cause), params: {}, shown: t('unexpectedFailure', cause) };
  }
  const { withNextStep } = await import('../core/registration/errors');
  return withNextStep(err).toJSON();
}

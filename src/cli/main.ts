/**
 * `npm run cli -- <command>`: an azcmagent-like command line over the same SetupService the
 * extension uses. See HELP (args.ts) for the commands and exit codes.
 */
import { CancelledError, SetupError } from '../core/errors';
import { withNextStep } from '../core/registration/errors';
import { COMMANDS, HELP, parseCommandLine, UsageError } from './args';
import { ReportedFailure, runCommand } from './commands';
import { Output, type Streams } from './output';

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
      io.stdout(`Usage: npm run cli -- ${COMMANDS[parsed.command].usage}\n`);
      return EXIT.ok;
    }
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
    const error = err instanceof SetupError ? withNextStep(err).toJSON() : { code: 'InternalError', message: `Unexpected failure: ${(err as Error)?.message ?? String(err)}`, params: {} };
    output.failed(command, error);
    return EXIT.failed;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdin: process.stdin,
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}

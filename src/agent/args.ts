/** The agent's command line: `<command> [--json] [--stdin] [--install-folder <path>]`. */
import { SetupError } from '../core/errors';

export interface AgentArgs {
  command: string | undefined;
  json: boolean;
  /** The request comes as JSON on stdin. */
  stdin: boolean;
  installFolder?: string;
}

/** Thrown for a command line the agent does not understand (exit code 2). */
export class UsageError extends SetupError {
  constructor(message: string) {
    super('AgentUsage', message);
  }
}

export function parseArgs(argv: readonly string[]): AgentArgs {
  const args: AgentArgs = { command: undefined, json: false, stdin: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') args.json = true;
    else if (arg === '--stdin') args.stdin = true;
    else if (arg === '--install-folder' || arg.startsWith('--install-folder=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) throw new UsageError('--install-folder needs a folder.');
      args.installFolder = value;
    } else if (arg.startsWith('-') && !['--version', '-v', '--help', '-h'].includes(arg)) {
      throw new UsageError(`unknown option '${arg}'`);
    } else if (args.command === undefined) args.command = arg;
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  return args;
}

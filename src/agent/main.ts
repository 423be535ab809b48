/**
 * The backup agent's command line: registration status, unregistering and the configuration,
 * for the server it is installed on. Exit codes: 0 done, 1 failed (the error code is printed),
 * 2 not understood.
 */
import { SetupError } from '../core/errors';
import { parseArgs, UsageError } from './args';
import { showConfig } from './commands/showConfig';
import { status } from './commands/status';
import { unregister } from './commands/unregister';
import { loadContext, type AgentContext } from './context';
import { renderText } from './output';
import { AGENT_VERSION } from './version';

const HELP = `backup-agent ${AGENT_VERSION}

Usage: backup-agent <command> [--json] [--install-folder <folder>]

Commands:
  status       show this server's registration as the vault sees it
  unregister   unregister this server from its vault
  show-config  print the agent configuration (it holds no secrets)
  version      print the agent version
  help         print this help

Options:
  --json                      print the result as JSON
  --install-folder <folder>   the install folder (default: the folder above this agent)`;

const COMMANDS: Record<string, (ctx: AgentContext) => Promise<Record<string, unknown>>> = {
  status,
  unregister,
  'show-config': showConfig,
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = args.json;
    switch (args.command) {
      case 'version':
      case '--version':
      case '-v':
        io.out(AGENT_VERSION);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return 0;
    }
    const command = COMMANDS[args.command];
    if (!command) throw new UsageError(`unknown command '${args.command}'`);
    const result = await command(await loadContext(args.installFolder));
    io.out(json ? JSON.stringify(result, null, 2) : renderText(result));
    return 0;
  } catch (err) {
    const error = err instanceof SetupError ? err : new SetupError('AgentFailed', err instanceof Error ? err.message : String(err));
    if (json) io.out(JSON.stringify({ error: error.toJSON() }, null, 2));
    else io.err(`backup-agent: ${error.message} [${error.code}]${err instanceof UsageError ? `\n\n${HELP}` : ''}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }).then((code) => {
    process.exitCode = code;
  });
}

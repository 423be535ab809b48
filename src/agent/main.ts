/**
 * The backup agent's command line. For now it only knows who it is; registration status,
 * unregistering and configuration display come in a later version.
 */
import { AGENT_VERSION } from './version';

const HELP = `backup-agent ${AGENT_VERSION}

Usage: backup-agent <command>

Commands:
  version    print the agent version
  help       print this help`;

export function run(args: readonly string[], out: (line: string) => void, err: (line: string) => void): number {
  const [command] = args;
  switch (command) {
    case 'version':
    case '--version':
    case '-v':
      out(AGENT_VERSION);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(HELP);
      return 0;
    default:
      err(`backup-agent: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), console.log, console.error);
}

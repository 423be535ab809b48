/**
 * The backup agent's command line, for the server it is installed on: registering it (run by
 * the setup, its request on stdin), its registration status, changes, unregistering and the
 * configuration. Exit codes: 0 done, 1 failed (the error code is printed), 2 not understood.
 */
import type * as z from 'zod';
import { changeRequestSchema, checkRequestSchema, registerRequestSchema, stageLine, wayRequestSchema } from '../core/agents/reference/protocol';
import { SetupError } from '../core/errors';
import { keepWasmOnBaselineTier } from '../core/http/shortRun';
import { nextStep } from '../core/registration/errors';
import { parseArgs, UsageError } from './args';
import { change } from './commands/change';
import { check } from './commands/check';
import { register } from './commands/register';
import { showConfig } from './commands/showConfig';
import { status } from './commands/status';
import { unregister } from './commands/unregister';
import { agentPlace, withConfig, type AgentPlace, type StageOut } from './context';
import { renderText } from './output';
import { AGENT_VERSION, loadEveryPart } from './version';

const HELP = `backup-agent ${AGENT_VERSION}

Usage: backup-agent <command> [--json] [--stdin] [--install-folder <folder>]

Commands:
  status       show this server's registration as the vault sees it
  unregister   unregister this server from its vault
  show-config  print the agent configuration (it holds no secrets)
  register     register this server (the setup runs it: its request comes with --stdin)
  change       change the proxy, cache folder or passphrase (likewise, with --stdin)
  check        check the way to the vault from this server (likewise, with --stdin)
  version      print the agent version, once every part of it has loaded
  help         print this help

Options:
  --json                      print the result as JSON
  --stdin                     read the request as JSON from stdin (secrets travel only this way)
  --install-folder <folder>   the install folder (default: the folder above this agent)`;

interface Command<S extends z.ZodType> {
  /** The request; without --stdin, the command runs with `{ way: {} }` when it can. */
  schema: S;
  needsStdin: boolean;
  run(place: AgentPlace, request: z.output<S>, stage: StageOut): Promise<object>;
}

const command = <S extends z.ZodType>(c: Command<S>) => c;

const COMMANDS: Record<string, Command<z.ZodType>> = {
  status: command({ schema: wayRequestSchema, needsStdin: false, run: (place, request) => status(place, request) }),
  unregister: command({ schema: wayRequestSchema, needsStdin: false, run: unregister }),
  'show-config': command({ schema: wayRequestSchema, needsStdin: false, run: async (place) => showConfig(await withConfig(place)) }),
  register: command({ schema: registerRequestSchema, needsStdin: true, run: register }),
  change: command({ schema: changeRequestSchema, needsStdin: true, run: change }),
  check: command({ schema: checkRequestSchema, needsStdin: true, run: async (_place, request) => check(request) }),
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** All of stdin, for --stdin. */
  stdin(): Promise<string>;
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
        await loadEveryPart();
        io.out(AGENT_VERSION);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return 0;
    }
    const chosen = COMMANDS[args.command];
    if (!chosen) throw new UsageError(`unknown command '${args.command}'`);
    if (chosen.needsStdin && !args.stdin) throw new UsageError(`${args.command} reads its request from stdin: give --stdin`);
    const request = readRequest(chosen.schema, args.stdin ? await io.stdin() : '{"way":{}}');
    const result = await chosen.run(agentPlace(args.installFolder), request, (name) => io.err(stageLine(name)));
    io.out(json ? JSON.stringify(result, null, 2) : renderText(result as Record<string, unknown>));
    return 0;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const error = err instanceof SetupError ? err : new SetupError('AgentFailed', `The agent failed on this server: ${reason}`, { reason, ...nextStep('reportProblem') });
    if (json) io.out(JSON.stringify({ error: error.toJSON() }, null, 2));
    else io.err(`backup-agent: ${error.message} [${error.code}]${err instanceof UsageError ? `\n\n${HELP}` : ''}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** The request, checked; its text never appears in an error (it may hold secrets). */
function readRequest<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SetupError('AgentRequestInvalid', 'The request on stdin is not JSON.', {});
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'root';
    throw new SetupError('AgentRequestInvalid', `The request on stdin is not valid (${field}).`, { field });
  }
  return parsed.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  keepWasmOnBaselineTier();
  // The setup's connection may go while a registration runs: the output has nowhere to go then,
  // but the registration finishes, so that the next run finds it done rather than half done.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  void run(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text), stdin: readStdin }).then((code) => {
    process.exitCode = code;
  });
}

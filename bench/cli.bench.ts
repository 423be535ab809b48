// The installed command line (package.json `bin`, the bundle in dist/bin) against Node's own start,
// `node -e 0`, measured in this run: each a whole process, started the way a shell starts it (the
// bin through its #! line), run alternately so both see the same machine load.
// Goals: `backup-agent-setup --help` <= 2x node's start; `inspect` of a real credentials file
// <= 3x node's start.
import { spawnSync } from 'node:child_process';
import { readFileSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCliBuilt } from '../test/support/service';
import { localAgentLinks } from '../src/core/vault/localFormat';
import { issueCredentials } from '../src/vault/issuer';
import { TEST_ENDPOINT, TEST_VAULT } from '../test/support/credentials-corpus';
import { REPO_ROOT } from '../test/support/vault';
import { median } from './support/stats';

const RUNS = 30;
const GOALS = { help: 2, inspect: 3 };


/** Wall time of one process, start to exit, in ms; it must exit 0. */
function timeProcess(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().trim()}`);
  return ms;
}

async function main(): Promise<void> {
  await ensureCliBuilt();
  const bin = path.join(REPO_ROOT, (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['backup-agent-setup']!);
  const env = { ...process.env, PATH: [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter) };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-bench-'));
  try {
    // A file as the local vault issues it (its agent link names the vault), which inspect accepts.
    const issued = await issueCredentials({ vault: TEST_VAULT, endpoint: TEST_ENDPOINT, agentLinks: localAgentLinks(new URL(TEST_ENDPOINT).origin), now: new Date() });
    const file = path.join(dir, issued.fileName);
    await fs.writeFile(file, issued.xml);
    const cases = {
      node: () => timeProcess(process.execPath, ['-e', '0'], env),
      help: () => timeProcess(bin, ['--help'], env),
      inspect: () => timeProcess(bin, ['inspect', file, '--json'], env),
    };
    for (const run of Object.values(cases)) run(); // warm the file cache
    const times: Record<keyof typeof cases, number[]> = { node: [], help: [], inspect: [] };
    for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(cases)) times[name as keyof typeof cases].push(run());
    const node = median(times.node);
    console.log(`BENCH cli node -e 0 median=${node.toFixed(1)} ms (n=${RUNS}, node ${process.version}, ${os.cpus().length} cores)`);
    for (const name of ['help', 'inspect'] as const) {
      const ms = median(times[name]);
      const ratio = ms / node;
      console.log(
        `BENCH cli ${name === 'help' ? '--help' : 'inspect <credentials file>'} median=${ms.toFixed(1)} ms ratio=${ratio.toFixed(2)}x node ` +
          `goal<=${GOALS[name]}x ${ratio <= GOALS[name] ? 'met' : 'MISSED'}`,
      );
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

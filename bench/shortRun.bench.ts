// Our short-lived processes that make a request or two: the agent's `check` (as the setup runs it
// on a server, its request on stdin) and `backup-agent-setup check-connectivity`, each against
// the local vault and each a whole process. Run as shipped, whose entry point keeps undici's HTTP
// parser (WebAssembly) on V8's baseline tier (src/core/http/shortRun.ts), and, alternately in the
// same run, with V8's default tiering (bench/support/defaultWasmTiering.cjs preloaded), which
// compiles that parser again with its optimizing tier on a background thread. Figure: the CPU
// time of each process, every thread of it (its shell's `times` for the children it waited for),
// and the ratio.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { CLI_BIN, ensureCliBuilt } from '../test/support/service';
import { buildAgentPackage, startTestVault } from '../test/support/vault';
import { median } from './support/stats';

const RUNS = 10;
const BASELINE_PRELOAD = path.join(__dirname, 'support', 'defaultWasmTiering.cjs');
/** Runs its arguments, then writes the CPU time of the children it waited for to fd 3. */
const TIMED = '"$@"; code=$?; times >&3; exit $code';

interface Case {
  name: string;
  args: string[];
  stdin?: string;
  /** Whether the run reached the vault, from its stdout: a check that timed out would measure the wait. */
  reached(stdout: string): boolean;
}

/** The CPU time (ms, every thread) of one run of `args` under node, which must reach the vault. */
async function cpuOfRun(run: Case, defaultTiering: boolean): Promise<number> {
  const node = [process.execPath, ...(defaultTiering ? ['--require', BASELINE_PRELOAD] : []), ...run.args];
  // Not spawnSync: the vault answers from this process's event loop.
  const child = spawn('sh', ['-c', TIMED, 'sh', ...node], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const read = (stream: NodeJS.ReadableStream | null) => {
    let text = '';
    stream?.on('data', (d: Buffer) => (text += d.toString()));
    return () => text;
  };
  const [stdout, stderr, times] = [read(child.stdout), read(child.stderr), read(child.stdio[3] as NodeJS.ReadableStream)];
  child.stdin.end(run.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0 || !run.reached(stdout())) throw new Error(`${run.name} exited ${code}: ${stdout().slice(0, 400)} ${stderr().slice(0, 300)}`);
  // `times`: the shell's user and system time, then its children's, as 0m0.208000s 0m0.064000s.
  const children = times().trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(([, m, s]) => Number(m) * 60 + Number(s));
  if (seconds.length !== 2) throw new Error(`${run.name}: no CPU times from the shell (${times()})`);
  return (seconds[0]! + seconds[1]!) * 1000;
}

async function main(): Promise<void> {
  await ensureCliBuilt();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'short-run-bench-'));
  const vault = await startTestVault();
  try {
    const built = await buildAgentPackage(path.join(dir, 'package'));
    await extract({ file: built.file, cwd: dir });
    const agentMain = path.join(dir, 'backup-agent', 'main.js');
    const caFile = path.join(dir, 'ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
    const proxyOff = { mode: 'off', host: '', port: 1, user: '', noProxy: [], passwordFile: null };
    const cases: Case[] = [
      {
        name: 'agent check',
        args: [agentMain, 'check', '--json', '--stdin', '--install-folder', path.join(dir, 'install')],
        stdin: JSON.stringify({ endpoint: vault.url, proxy: proxyOff, way: { trustedCas: [vault.caCertPem] } }),
        reached: (stdout) => (JSON.parse(stdout) as { report?: { ok?: boolean } }).report?.ok === true,
      },
      {
        name: 'backup-agent-setup check-connectivity',
        args: [CLI_BIN, 'check-connectivity', '--endpoint', vault.url, '--ca', caFile, '--json'],
        reached: (stdout) => (JSON.parse(stdout) as { result?: { ok?: boolean } }).result?.ok === true,
      },
    ];
    console.log(`BENCH short-run: ${RUNS} runs of each, alternately as shipped and with V8's default wasm tiering (node ${process.version}, ${os.cpus().length} cores)`);
    for (const run of cases) {
      await cpuOfRun(run, false); // warm the file cache
      const shipped: number[] = [];
      const defaults: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        shipped.push(await cpuOfRun(run, false));
        defaults.push(await cpuOfRun(run, true));
      }
      const [ours, theirs] = [median(shipped), median(defaults)];
      console.log(
        `BENCH short-run ${run.name}: CPU per process median ${ours.toFixed(0)} ms as shipped against ${theirs.toFixed(0)} ms with V8's default wasm tiering, ` +
          `${(ours / theirs).toFixed(2)}x (${(theirs - ours).toFixed(0)} ms less a run)`,
      );
    }
  } finally {
    await vault.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

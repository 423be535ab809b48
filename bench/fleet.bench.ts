// A fleet of 50 servers over SSH: 50 real sshd on loopback, each its own install folder and server
// name, registered with the real local vault at concurrency 1, 4 and 8 (a new vault for each run,
// so every run registers all 50). Figures: wall time, servers per second, the speed-up over
// concurrency 1 and the scaling efficiency against the core count. Baseline measured in the same
// run: OpenSSH's own client running `true` on the 50 servers at concurrency 8 (connect + key
// exchange + auth + one exec, the floor of any SSH-based fleet tool). Memory: peak RSS and heap of
// this Node process, which runs the same core code the extension host runs, above its idle figure;
// the vault runs in its own process (its CLI), as a vault is another machine.
// Goal: 50 servers in <= 10 s at concurrency 8; near-linear scaling up to the core count.
// The sshd servers share the machine's cores with the fleet, as they do in the tests.
import { execFile, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startFleet, type FleetServer } from '../src/core/fleet';
import { silentLogger } from '../src/core/log';
import { parseProxySettings } from '../src/core/proxy/settings';
import { Secret } from '../src/core/proxy/secret';
import { SetupService } from '../src/core/service';
import { openSshTarget, resolveDestination, type SshPrompts } from '../src/core/target/ssh';
import { endpointKey } from '../src/core/trust/endpoint';
import { agentPackageDir, tempDir, TEST_PASSPHRASE } from '../test/support/service';
import { generateKeyPair, startSshd, type TestSshd } from '../test/support/sshd';
import { REPO_ROOT } from '../test/support/vault';

const SERVERS = 50;
const CONCURRENCY = [1, 4, 8];
const GOAL_MS = 10_000;
const run = promisify(execFile);

const refuse: SshPrompts = {
  trustNewHost: async () => {
    throw new Error('every host key is in known_hosts');
  },
  keyPassphrase: async () => undefined,
  password: async () => undefined,
};

const VAULT_CLI = [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'src', 'vault', 'cli.ts')];

/** The vault CLI serving `dataDir` in its own process, once it listens. */
async function startVaultProcess(dataDir: string): Promise<{ url: string; caFile: string; admin(...args: string[]): { [key: string]: unknown }; stop(): void }> {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const child = spawn(process.execPath, [...VAULT_CLI, 'serve', '--data', dataDir, '--port', String(port), '--agent-dir', await agentPackageDir()], { stdio: 'ignore' });
  const listening = () => new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
  while (!(await listening())) {
    if (child.exitCode !== null) throw new Error(`the vault exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: path.join(dataDir, 'ca.cert.pem'),
    admin: (...args) => JSON.parse(execFileSync(process.execPath, [...VAULT_CLI, ...args, '--data', dataDir, '--json'], { encoding: 'utf8' })),
    stop: () => child.kill('SIGKILL'),
  };
}

/** Runs `task` on every item, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

async function main(): Promise<void> {
  const root = await tempDir('fleet-bench-');
  const servers: TestSshd[] = [];
  const vault = await startVaultProcess(path.join(root, 'vault'));
  const vaultCa = await fs.readFile(vault.caFile, 'utf8');
  try {
    const client = await generateKeyPair(root, 'client_ed25519');
    const started = performance.now();
    // Started a few at a time: 50 key generations and listeners at once only measure the machine.
    await pool(Array.from({ length: SERVERS }, (_, i) => i), 8, async () => {
      servers.push(await startSshd({ authorizedKeys: [client.publicKey] }));
    });
    console.log(`started ${SERVERS} sshd in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const knownHosts = path.join(root, 'known_hosts');
    await fs.writeFile(knownHosts, `${servers.map((s) => s.knownHostsLine).join('\n')}\n`, { mode: 0o600 });
    const configText = '';

    // Baseline: OpenSSH's client, `true` on every server, 8 at a time.
    const ssh = (s: TestSshd) =>
      run('ssh', ['-i', client.privateKeyFile, '-p', String(s.port), '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', `${s.user}@${s.host}`, 'true']);
    await ssh(servers[0]!);
    const baselineStart = performance.now();
    await pool(servers, 8, async (s) => void (await ssh(s)));
    const baselineMs = performance.now() - baselineStart;
    console.log(`BENCH fleet-baseline openssh ${SERVERS}x \`true\` at concurrency 8: ${(baselineMs / 1000).toFixed(2)} s`);

    const idle = process.memoryUsage();
    let peakRss = idle.rss;
    let peakHeap = idle.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);

    const results: Array<{ concurrency: number; ms: number }> = [];
    for (const concurrency of CONCURRENCY) {
      const runDir = await fs.mkdtemp(path.join(root, `run-c${concurrency}-`));
      const name = `bench-c${concurrency}`;
      vault.admin('create', name);
      const credentialsFile = String(vault.admin('credentials', name, '--out', runDir).path);
      const fleetServers: FleetServer[] = await Promise.all(
        servers.map(async (s, i) => ({
          key: `srv${i}`,
          destination: { ...(await resolveDestination(`${s.user}@${s.host}:${s.port}`, { configText })), identityFiles: [client.privateKeyFile] },
          serverName: `bench-srv-${i}`,
          installFolder: path.join(runDir, `srv${i}`, 'agent'),
        })),
      );
      const fleet = startFleet(
        {
          servers: fleetServers,
          credentialsFile,
          proxy: parseProxySettings({ mode: 'off' }),
          dataSizeBytes: 0,
          passphrase: { kind: 'shared', value: new Secret(TEST_PASSPHRASE), file: path.join(runDir, 'fleet.passphrase.txt') },
          concurrency,
        },
        {
          openTarget: (server, signal) => openSshTarget(server.destination, { prompts: refuse, knownHostsFiles: [knownHosts], logger: silentLogger, signal }),
          createService: (target) =>
            new SetupService({ target, logger: silentLogger, trust: [{ endpoint: endpointKey(vault.url), pem: vaultCa }], downloadCacheDir: path.join(root, 'downloads') }),
          confirmPassphraseLocation: async () => true,
          logger: silentLogger,
        },
      );
      const start = performance.now();
      const report = await fleet.report;
      const ms = performance.now() - start;
      if (report.counts.registered !== SERVERS) {
        const failed = report.rows.find((r) => r.state !== 'registered');
        throw new Error(`concurrency ${concurrency}: ${report.counts.registered} of ${SERVERS} registered; first other: ${JSON.stringify(failed)}`);
      }
      results.push({ concurrency, ms });
    }
    clearInterval(sampler);

    const cores = os.availableParallelism();
    const serial = results[0]!.ms;
    for (const { concurrency, ms } of results) {
      const speedup = serial / ms;
      const efficiency = speedup / Math.min(concurrency, cores);
      console.log(
        `BENCH fleet concurrency=${concurrency}: ${(ms / 1000).toFixed(2)} s, ${((SERVERS * 1000) / ms).toFixed(1)} servers/s, ` +
          `speed-up ${speedup.toFixed(2)}x over concurrency 1 (scaling efficiency ${(efficiency * 100).toFixed(0)}% of min(concurrency, ${cores} cores)), ` +
          `${(ms / baselineMs).toFixed(2)}x the OpenSSH baseline`,
      );
    }
    const at8 = results.find((r) => r.concurrency === 8)!;
    console.log(`BENCH fleet goal: ${SERVERS} servers in ${(at8.ms / 1000).toFixed(2)} s at concurrency 8 (goal <= ${GOAL_MS / 1000} s: ${at8.ms <= GOAL_MS ? 'met' : 'NOT met'})`);
    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
    console.log(`BENCH fleet memory: peak RSS ${mib(peakRss)} (idle ${mib(idle.rss)}, +${mib(peakRss - idle.rss)}); peak heap ${mib(peakHeap)} (idle ${mib(idle.heapUsed)})`);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    vault.stop();
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

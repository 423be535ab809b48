// Local vault registrations over mutual TLS: 16 concurrent clients, each registering machines in
// a loop (machine ids reused so the vault stays under its 50-machine limit), against the vault's
// `serve` process and, in the same run, against a bare node https mTLS server that answers the
// same request with a fixed body. Two connection modes: keep-alive (each client keeps its TLS
// connection) and a full TLS handshake per registration (an agent registering once).
// Goal: vault throughput >= 0.5 x the bare server's. Figures print as plain lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { openVaultAdmin } from '../src/vault/index';
import { generateRsaKeyPair } from '../src/core/credentials/selfSigned';
import { REPO_ROOT, createCsr, credentialsPfx, registrationBody, type RegistrationBody } from '../test/support/vault';

const CLIENTS = 16;
const MACHINES = 48;
const WARMUP_REQUESTS = 200;
const MAX_REQUESTS = 3_000;
const MAX_SECONDS = 12;
const GOAL_RATIO = 0.5;
/** VAULT_BENCH_CPU_PROF=<dir>: profile the vault's serve process under the keep-alive load only. */
const PROFILE_DIR = process.env.VAULT_BENCH_CPU_PROF;

interface Target {
  url: string;
  caCertPem: string;
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  failures: number;
}

/** The baseline: node's https server, same key, certificate and TLS options, fixed reply. */
function baselineServer(): void {
  const [keyFile, certFile, bodyFile] = process.argv.slice(3);
  const reply = readFileSync(bodyFile!);
  const server = https.createServer(
    { key: readFileSync(keyFile!), cert: readFileSync(certFile!), minVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': reply.length });
        res.end(reply);
      });
    },
  );
  server.listen(0, '127.0.0.1', () => console.log(`listening on https://127.0.0.1:${(server.address() as AddressInfo).port}`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

/** Starts a child process and resolves the URL it prints once listening. */
async function startChild(args: string[], nodeArgs: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (output.length < 4096) output += d.toString(); // the request log keeps flowing: read and drop it
      const match = /listening on (https:\/\/[\d.:]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}): ${output}`)));
  });
  return { child, url };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Peak resident memory of a process, from Linux's /proc (VmHWM). */
function peakRssMiB(pid: number): string {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? (Number(kib) / 1024).toFixed(1) : 'n/a';
  } catch {
    return 'n/a';
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** 16 clients registering in a loop; a bounded warm-up, then a run bounded in count and time. */
async function load(target: Target, pfx: Buffer, bodies: string[], freshConnections: boolean): Promise<Figures> {
  const agents = Array.from(
    { length: CLIENTS },
    () => new Agent({ connections: 1, connect: { ca: target.caCertPem, pfx, passphrase: '', ...(freshConnections ? { maxCachedSessions: 0 } : {}) } }),
  );
  const latencies: number[] = [];
  let failures = 0;
  const run = async (total: number, record: boolean) => {
    let issued = 0;
    const deadline = Date.now() + MAX_SECONDS * 1000;
    await Promise.all(
      agents.map(async (dispatcher) => {
        while (issued < total && Date.now() < deadline) {
          const body = bodies[issued++ % bodies.length]!;
          const started = process.hrtime.bigint();
          const res = await request(`${target.url}/v1/registrations`, {
            method: 'POST',
            dispatcher,
            reset: freshConnections,
            headers: { 'content-type': 'application/json' },
            body,
          });
          await res.body.dump();
          if (res.statusCode !== 200 && res.statusCode !== 201) failures++;
          if (record) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  try {
    await run(WARMUP_REQUESTS, false);
    failures = 0;
    const started = process.hrtime.bigint();
    await run(MAX_REQUESTS, true);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const sorted = [...latencies].sort((a, b) => a - b);
    return { perSecond: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: latencies.length, failures };
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
}

function report(label: string, f: Figures): void {
  console.log(`${label} registrations/s: ${f.perSecond.toFixed(1)}`);
  console.log(`${label} latency p50 ms: ${f.p50.toFixed(2)}`);
  console.log(`${label} latency p99 ms: ${f.p99.toFixed(2)}`);
  console.log(`${label} requests: ${f.count} (failed: ${f.failures})`);
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vault-bench-'));
  const children: ChildProcess[] = [];
  try {
    const data = path.join(dir, 'data');
    const vault = await startChild(
      ['src/vault/cli.ts', 'serve', '--port', '0', '--data', data, '--agent-dir', path.join(dir, 'no-agent')],
      PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    );
    children.push(vault.child);
    const admin = await openVaultAdmin(data);
    await admin.createVault({ name: 'bench' });
    const file = await admin.issueCredentials('bench');
    await admin.close();
    const pfx = credentialsPfx(file.xml);
    const caCertPem = await fs.readFile(path.join(data, 'ca.cert.pem'), 'utf8');

    // Pre-generated requests: a few keys, one CSR and body per machine id.
    const keys = await Promise.all(Array.from({ length: 4 }, () => generateRsaKeyPair()));
    const bodies: string[] = [];
    for (let i = 0; i < MACHINES; i++) {
      const body: RegistrationBody = await registrationBody({ serverName: `bench-${i}`, csr: createCsr(keys[i % keys.length]!, `bench-${i}`) });
      bodies.push(JSON.stringify(body));
    }

    const target = { url: vault.url, caCertPem };
    const sample = await request(`${vault.url}/v1/registrations`, {
      method: 'POST',
      dispatcher: new Agent({ connect: { ca: caCertPem, pfx, passphrase: '' } }),
      headers: { 'content-type': 'application/json' },
      body: bodies[0],
    });
    const replyFile = path.join(dir, 'reply.json');
    await fs.writeFile(replyFile, Buffer.from(await sample.body.arrayBuffer()));

    const vaultKeepAlive = await load(target, pfx, bodies, false);
    if (PROFILE_DIR) {
      await stopChild(vault.child);
      console.log(`vault keep-alive registrations/s (profiled): ${vaultKeepAlive.perSecond.toFixed(1)}; profile in ${PROFILE_DIR}`);
      return;
    }
    const vaultFresh = await load(target, pfx, bodies, true);
    const vaultRss = peakRssMiB(vault.child.pid!);
    await stopChild(vault.child);

    const baseline = await startChild(['bench/vault.bench.ts', '--baseline-server', path.join(data, 'server.key.pem'), path.join(data, 'server.cert.pem'), replyFile]);
    children.push(baseline.child);
    const bareKeepAlive = await load({ url: baseline.url, caCertPem }, pfx, bodies, false);
    const bareFresh = await load({ url: baseline.url, caCertPem }, pfx, bodies, true);
    const bareRss = peakRssMiB(baseline.child.pid!);

    console.log(`clients: ${CLIENTS}, machines: ${MACHINES}, cores: ${os.cpus().length}`);
    report('vault keep-alive', vaultKeepAlive);
    report('bare https keep-alive', bareKeepAlive);
    report('vault new-connection', vaultFresh);
    report('bare https new-connection', bareFresh);
    const ratioKeepAlive = vaultKeepAlive.perSecond / bareKeepAlive.perSecond;
    const ratioFresh = vaultFresh.perSecond / bareFresh.perSecond;
    console.log(`ratio vault/bare keep-alive: ${ratioKeepAlive.toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratioKeepAlive >= GOAL_RATIO ? 'met' : 'NOT met'})`);
    console.log(`ratio vault/bare new-connection: ${ratioFresh.toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratioFresh >= GOAL_RATIO ? 'met' : 'NOT met'})`);
    console.log(`vault peak RSS MiB: ${vaultRss}`);
    console.log(`bare https peak RSS MiB: ${bareRss}`);
  } finally {
    await Promise.all(children.map(stopChild));
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--baseline-server') {
  baselineServer();
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

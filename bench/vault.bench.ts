// Local vault registrations over mutual TLS: 16 concurrent clients, each registering machines in
// a loop (machine ids reused so the vault stays under its 50-machine limit), against the vault's
// `serve` process and, in the same run, against a bare node https mTLS server that answers the
// same request with a fixed body. Keep-alive (each client keeps its TLS connection) in three
// turns, vault then bare, so that other loads on the shared cores weigh on both alike; then
// first-time registrations (fresh machine ids in 8 vaults: what a cache could not answer); then a
// full TLS handshake per registration (an agent registering once). Each server's CPU time per
// request is read from /proc, with its kernel part. Goal: vault throughput >= 0.5 x the bare
// server's with keep-alive. The vault runs as `npm run vault` runs it (the installed command's
// bundle; until 2026-12-07 the bench ran its source through tsx, which cost about 0.2 ms of CPU a
// request of its own). Figures print as plain lines.
//
// CPU profile notes (VAULT_BENCH_CPU_PROF=<dir> npx tsx bench/vault.bench.ts profiles the serve
// process under the keep-alive load with node --cpu-prof, and `npx tsx bench/support/readProfile.ts
// <dir>/*.cpuprofile` sums it by self and inclusive time; 2 cores shared with other work). Until
// 2026-12-07 the profiled vault was its source run through tsx; since then it is the bundle.
// - Before (2026-12-06, 295 registrations/s while profiled): 46% idle; issuing the machine
//   certificate 18% inclusive (RSA-2048 signing 11% self, node-forge laying out the X.509
//   structure the rest), the CSR check 5%, rewriting the whole state.json atomically per batch
//   (temp file, fsync, rename, fsync of the folder) 4% plus its waits, the router and reply 6%.
// - Changed: certificates built by der.ts and signed by node's crypto; a new data folder's CA is
//   ECDSA P-256 (a signature costs about a tenth of RSA-2048's; older RSA folders keep theirs,
//   the TLS server key stays RSA); the store appends changed records to state.journal with one
//   fdatasync per batch and compacts past 1 MiB; the serve process writes its request log once
//   per event-loop turn.
// - After (477 registrations/s while profiled): 42% idle; issuing 9% (ECDSA signing 3% self), the
//   CSR check 6% (RSA verification 3.5%: proof of possession, kept), the journal append 5% (most
//   of it serializing the records to find the changed ones), TLS writes 3%, GC 3%, the rest flat.
//   With fdatasync skipped (a trial, not kept) it reached 514/s: the disk is not the limit, CPU
//   is, and the client, both servers and other work share two cores.
// - Run of 2026-12-06 21:17 (load average 10): keep-alive 0.29 of the bare server (409 against
//   1418/s), server CPU 0.85 against 0.19 ms a request; first-time registrations 1.38 ms a
//   request, with some 430 registrations in the state by then: finding the changed records by
//   serializing every record per batch grows with the state.
// - Profile of the bundle, 2026-12-07 02:41 (load average 7-8; 513 registrations/s while
//   profiled, 3,200 requests over 9.7 s, 46% idle, 5.25 s busy: 1.6 ms a request with the
//   profiler's own share). Inclusive, as shares of the busy time: the registration route 48%;
//   issuing the certificate 19% (ECDSA signing 9.4% self; the DER layout, the serial's
//   randomBytes call and PEM's regular expression most of the rest), the CSR check 15% (RSA
//   verification 8.5% self, importing its key 3.3%), the body and zod 5%, parsing and hashing the
//   client certificate on every request 3.4%; the journal append 12% (finding the changed records
//   by serializing every record 3.6%, the write and fdatasync 7%); the reply's TLS writes 10.5%;
//   GC 4.3%; the request log 4%. No single hot spot: the two public-key operations a registration
//   must do (verify the CSR's proof of possession, sign the certificate) are 18%, and the rest is
//   spread thin over many small costs, the ones above the largest.
// - Changed on 2026-12-07: the client certificate parsed, hashed and (machine routes) checked
//   against the CA once per connection (renegotiation refused, so it cannot change); DER elements
//   written into one buffer; PEM cut without a regular expression; serials from a pooled CSPRNG
//   draw (16 bytes a call cost more than copying them from a 4 KiB pool).
// - The same profile after them (03:00, load average 9-10; 410/s while profiled, 14.1 s, 62%
//   idle, 5.4 s busy): the client certificate's share fell from 178 to 16 ms and issuing from 979
//   to 557 ms, but the busy total did not fall (5.25 then 5.42 s): the CSR check, the body and zod,
//   and the journal append each came out higher, which at this load is the noise of a shared
//   machine, not a change of theirs. What is left per registration is mostly the two public-key
//   operations and node's own HTTP and TLS work, which the bare server shares.
// - Runs (vault/bare keep-alive, same run, per-round ratios; server CPU a request vault/bare):
//   before them, 02:40, load 3-8 (another helper's fleet bench started): 0.26 (0.24, 0.19,
//   0.74), 1.17/0.32 ms; after the per-connection certificate and the DER cuts, 02:50, load
//   10-11: 0.38 (0.46, 0.37, 0.25), 0.77/0.19 ms; with the spare key too, 03:00, load 10-11:
//   0.42 (0.42, 0.51, 0.33), 1.16/0.33 ms, p99 293 against 128 ms; the same code at 03:42, load
//   6-7: 0.57 (0.25, 0.81, 0.63), 0.90/0.26 ms, p99 169 against 186 ms. The vault costs 3.5-4.0x
//   the bare server's CPU a request in each run; at this load the ratio moves more between
//   rounds of one run than between these changes.
// - Changed on 2026-12-07 (issue 15): the store notes which records a mutator writes to
//   (proxies around the state it is given) and serializes only those per batch, instead of every
//   record. Profiled after that (05:58, load average 13-15; 283/s while profiled, 8.6 s busy):
//   the registration route 4.1 s inclusive, 1.3 ms a request, of which `register` 2.1 s, and of
//   that issuing the certificate 1.2 s and the rest, 0.87 s (10% of the busy time), its two scans
//   of every registration (the machine's records, the vault's active count) read through the
//   proxies, a trap for every property read. The scans now read the records behind the proxies
//   (store.ts `untracked`); they only read, and the new record is written through the proxies.
// - The same profile after it (06:02, load average 19-21; 538/s while profiled, 5.6 s busy of
//   which 1.6 s the bundle's rebuild at start): the route 1.4 s inclusive, 0.44 ms a request;
//   `register` 0.64 s, of which issuing 0.51 s; the store's append too small to list. What is
//   left is spread thin: the two public-key operations (ECDSA signing 0.26 s, the CSR's RSA
//   verification 0.20 s), TLS socket writes 0.40 s, GC 0.45 s.
// - Run of 06:34 (load average 5-8): keep-alive 0.35 (0.38, 0.31, 0.34), 1,026 against 2,957/s,
//   0.71/0.19 ms a request; first-time 0.43 (was 0.13-0.31); new connection 0.70. On a lighter
//   machine the bare server runs 2-4x faster than in the runs above and the ratio follows the CPU
//   a request costs: the goal needs about half of the vault's 0.71 ms gone, and no single part of
//   the profile is that large.
// - Profiled on an idle machine (2026-12-07 12:18; 1,285/s while profiled, 2.27 s busy of which
//   about 0.3 s start-up): the registration route 0.34 ms a request, of which the CSR check 0.12
//   (RSA verification 0.07) and the store's turn 0.18 (issuing 0.12, ECDSA signing 0.07); the
//   rest is Node's HTTP and TLS work and small costs. Tried and not kept: signing and verifying
//   through libuv's pool (crypto's callback forms): 1,291 against 1,293/s, 0.83 against 0.74 ms
//   a request, since the client takes most of the second core and the hand-off costs CPU.
import type { ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { openVaultAdmin } from '../src/vault/index';
import { generateRsaKeyPair } from '../src/core/credentials/selfSigned';
import { startChild, statusMiB, stopChild, vaultCommand } from './support/child';
import { createCsr, credentialsPfx, registrationBody, type RegistrationBody } from '../test/support/vault';

const CLIENTS = 16;
const MACHINES = 48;
const WARMUP_REQUESTS = 200;
const MAX_REQUESTS = 3_000;
const MAX_SECONDS = 12;
/** Vaults for the first-time registrations (each takes at most 50 machines). */
const FIRST_TIME_VAULTS = 8;
const KEEP_ALIVE_ROUNDS = 3;
const GOAL_RATIO = 0.5;
/** VAULT_BENCH_CPU_PROF=<dir>: profile the vault's serve process under the keep-alive load only. */
const PROFILE_DIR = process.env.VAULT_BENCH_CPU_PROF;

interface Target {
  url: string;
  caCertPem: string;
  /** The server process, whose CPU time each run reads from /proc. */
  pid: number;
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  failures: number;
  /** Answers 201: a machine id the vault had not seen (re-registrations answer 200). */
  created: number;
  seconds: number;
  latencies: number[];
  /** The server's CPU time (user + system), from /proc, during the measured run. */
  serverCpuMs: number;
  /** Of which in the kernel (system calls: TLS socket writes, the journal's fdatasync, the log). */
  serverSystemMs: number;
}

/** CPU time of a process so far, in ms, from Linux's /proc (clock ticks of 10 ms): all of it, and the kernel's part. */
function cpuMs(pid: number): { total: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return { total: (Number(fields[11]) + Number(fields[12])) * 10, system: Number(fields[12]) * 10 };
}

type Counts = { failures: number; created: number; serverCpuMs: number; serverSystemMs: number };

function figures(latencies: number[], seconds: number, counts: Counts): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: latencies.length, seconds, latencies, ...counts };
}

/** The figures of several runs against one target, as if they were one. */
function combined(runs: Figures[]): Figures {
  const sum = (pick: (f: Figures) => number) => runs.reduce((total, f) => total + pick(f), 0);
  return figures(runs.flatMap((f) => f.latencies), sum((f) => f.seconds), {
    failures: sum((f) => f.failures),
    created: sum((f) => f.created),
    serverCpuMs: sum((f) => f.serverCpuMs),
    serverSystemMs: sum((f) => f.serverSystemMs),
  });
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

/** Peak resident memory of a process (VmHWM). */
function peakRssMiB(pid: number): string {
  try {
    return statusMiB(pid, 'VmHWM').toFixed(1);
  } catch {
    return 'n/a';
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** One client of a load: its TLS identity and the next body it sends (undefined: it is done). */
interface Client {
  pfx: Buffer;
  next(): string | undefined;
}

/** The 16 clients of the main load: one credentials file, machine ids reused in turn. */
function reusingClients(pfx: Buffer, bodies: string[]): Client[] {
  let issued = 0;
  return Array.from({ length: CLIENTS }, () => ({ pfx, next: () => bodies[issued++ % bodies.length] }));
}

/** Clients registering in a loop; an optional bounded warm-up, then a run bounded in count and time. */
async function load(target: Target, clients: Client[], freshConnections: boolean, warmup = WARMUP_REQUESTS, max = MAX_REQUESTS): Promise<Figures> {
  const agents = clients.map(
    ({ pfx }) => new Agent({ connections: 1, connect: { ca: target.caCertPem, pfx, passphrase: '', ...(freshConnections ? { maxCachedSessions: 0 } : {}) } }),
  );
  const latencies: number[] = [];
  let failures = 0;
  let created = 0;
  const run = async (total: number, record: boolean) => {
    let issued = 0;
    const deadline = Date.now() + MAX_SECONDS * 1000;
    await Promise.all(
      clients.map(async (client, i) => {
        let body: string | undefined;
        while (issued < total && Date.now() < deadline && (body = client.next()) !== undefined) {
          issued++;
          const started = process.hrtime.bigint();
          const res = await request(`${target.url}/v1/registrations`, {
            method: 'POST',
            dispatcher: agents[i]!,
            reset: freshConnections,
            headers: { 'content-type': 'application/json' },
            body,
          });
          await res.body.dump();
          if (res.statusCode === 201) created++;
          else if (res.statusCode !== 200) failures++;
          if (record) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  try {
    if (warmup > 0) await run(warmup, false);
    failures = 0;
    created = 0;
    const cpuBefore = cpuMs(target.pid);
    const started = process.hrtime.bigint();
    await run(max, true);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = cpuMs(target.pid);
    return figures(latencies, seconds, { failures, created, serverCpuMs: cpuAfter.total - cpuBefore.total, serverSystemMs: cpuAfter.system - cpuBefore.system });
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
}

/**
 * Clients that each register machine ids the vault has never seen: FIRST_TIME_VAULTS vaults,
 * each with its own credentials file and two clients, up to the 50-machine limit less two.
 */
async function firstTimeClients(data: string): Promise<Client[]> {
  const keys = await Promise.all(Array.from({ length: 4 }, () => generateRsaKeyPair()));
  const admin = await openVaultAdmin(data);
  const clients: Client[] = [];
  try {
    for (let v = 0; v < FIRST_TIME_VAULTS; v++) {
      await admin.createVault({ name: `first-${v}` });
      const pfx = credentialsPfx((await admin.issueCredentials(`first-${v}`)).xml);
      for (let c = 0; c < CLIENTS / FIRST_TIME_VAULTS; c++) {
        const bodies: string[] = [];
        for (let i = 0; i < MACHINES / 2; i++) {
          const serverName = `first-${v}-${c}-${i}`;
          bodies.push(JSON.stringify(await registrationBody({ serverName, csr: createCsr(keys[i % keys.length]!, serverName) })));
        }
        clients.push({ pfx, next: () => bodies.shift() });
      }
    }
  } finally {
    await admin.close();
  }
  return clients;
}

function report(label: string, f: Figures): void {
  console.log(`${label} registrations/s: ${f.perSecond.toFixed(1)}`);
  console.log(`${label} latency p50 ms: ${f.p50.toFixed(2)}`);
  console.log(`${label} latency p99 ms: ${f.p99.toFixed(2)}`);
  console.log(`${label} server CPU ms per request: ${(f.serverCpuMs / f.count).toFixed(3)} (in the kernel: ${(f.serverSystemMs / f.count).toFixed(3)})`);
  console.log(`${label} requests: ${f.count} (failed: ${f.failures}${label.startsWith('vault') ? `, first-time registrations: ${f.created}` : ''})`);
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vault-bench-'));
  const children: ChildProcess[] = [];
  try {
    const data = path.join(dir, 'data');
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    const vault = await startChild([...profile, ...vaultCommand(), 'serve', '--port', '0', '--data', data, '--agent-dir', path.join(dir, 'no-agent')]);
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

    const target = { url: vault.url, caCertPem, pid: vault.child.pid! };
    const sample = await request(`${vault.url}/v1/registrations`, {
      method: 'POST',
      dispatcher: new Agent({ connect: { ca: caCertPem, pfx, passphrase: '' } }),
      headers: { 'content-type': 'application/json' },
      body: bodies[0],
    });
    const replyFile = path.join(dir, 'reply.json');
    await fs.writeFile(replyFile, Buffer.from(await sample.body.arrayBuffer()));
    const baseline = await startChild(['--import', 'tsx', 'bench/vault.bench.ts', '--baseline-server', path.join(data, 'server.key.pem'), path.join(data, 'server.cert.pem'), replyFile]);
    children.push(baseline.child);
    const bare = { url: baseline.url, caCertPem, pid: baseline.child.pid! };

    if (PROFILE_DIR) {
      const profiled = await load(target, reusingClients(pfx, bodies), false);
      await stopChild(vault.child);
      console.log(`vault keep-alive registrations/s (profiled): ${profiled.perSecond.toFixed(1)}; profile in ${PROFILE_DIR}`);
      return;
    }
    // Keep-alive, the goal's figure: vault and bare server take turns, so that the other loads
    // sharing this machine's cores weigh on both alike.
    const vaultRounds: Figures[] = [];
    const bareRounds: Figures[] = [];
    for (let round = 0; round < KEEP_ALIVE_ROUNDS; round++) {
      const warmup = round === 0 ? WARMUP_REQUESTS : 0;
      vaultRounds.push(await load(target, reusingClients(pfx, bodies), false, warmup, MAX_REQUESTS / KEEP_ALIVE_ROUNDS));
      bareRounds.push(await load(bare, reusingClients(pfx, bodies), false, warmup, MAX_REQUESTS / KEEP_ALIVE_ROUNDS));
    }
    const vaultKeepAlive = combined(vaultRounds);
    const bareKeepAlive = combined(bareRounds);
    const vaultFirstTime = await load(target, await firstTimeClients(data), false, 0);
    const vaultFresh = await load(target, reusingClients(pfx, bodies), true);
    const bareFresh = await load(bare, reusingClients(pfx, bodies), true);
    const vaultRss = peakRssMiB(vault.child.pid!);
    const bareRss = peakRssMiB(baseline.child.pid!);

    console.log(`clients: ${CLIENTS}, machines: ${MACHINES}, cores: ${os.cpus().length}`);
    report('vault keep-alive', vaultKeepAlive);
    report('bare https keep-alive', bareKeepAlive);
    report('vault first-time keep-alive', vaultFirstTime);
    report('vault new-connection', vaultFresh);
    report('bare https new-connection', bareFresh);
    const ratioKeepAlive = vaultKeepAlive.perSecond / bareKeepAlive.perSecond;
    const ratioFresh = vaultFresh.perSecond / bareFresh.perSecond;
    const ratioFirstTime = vaultFirstTime.perSecond / bareKeepAlive.perSecond;
    const roundRatios = vaultRounds.map((v, i) => (v.perSecond / bareRounds[i]!.perSecond).toFixed(2)).join(', ');
    console.log(`ratio vault/bare keep-alive per round: ${roundRatios}`);
    console.log(`ratio vault/bare keep-alive: ${ratioKeepAlive.toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratioKeepAlive >= GOAL_RATIO ? 'met' : 'NOT met'})`);
    console.log(`ratio vault first-time/bare keep-alive: ${ratioFirstTime.toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratioFirstTime >= GOAL_RATIO ? 'met' : 'NOT met'})`);
    console.log(`vault keep-alive latency p99 ms: ${vaultKeepAlive.p99.toFixed(2)} (bare: ${bareKeepAlive.p99.toFixed(2)})`);
    console.log(`first-time registrations answered 201: ${vaultFirstTime.created} of ${vaultFirstTime.count} (goal: all of them, ${vaultFirstTime.created === vaultFirstTime.count && vaultFirstTime.failures === 0 ? 'met' : 'NOT met'})`);
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

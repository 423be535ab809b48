/**
 * The admin side of one fleet run, as its own process: fleet.bench.ts bundles this file the way
 * the extension's features are bundled (esbuild, minified, ssh2's native parts left out) and runs
 * it with `node`, so the CPU, the stage split and the peak RSS are those of the shipped code
 * alone, without tsx or the bench's own bookkeeping (sshd start-up, /proc readings). The job comes
 * on stdin as JSON, the figures go to stdout as one JSON line.
 */
import { startFleet, type FleetServer } from '../../src/core/fleet';
import { silentLogger } from '../../src/core/log';
import { parseProxySettings } from '../../src/core/proxy/settings';
import { Secret } from '../../src/core/secret';
import { SetupService } from '../../src/core/service';
import { openSshTarget, resolveDestination, type SshPrompts } from '../../src/core/target/ssh';
import { endpointKey } from '../../src/core/trust/endpoint';
import { promises as fs } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { Client } from 'ssh2';
import { startCpuProfile, type BundleMap, type ProfileSummary } from './cpuProfile';
import { StageCpu, type StageFigures } from './stageCpu';

export interface AdminJob {
  servers: Array<{ key: string; destination: string; serverName: string; installFolder: string }>;
  identityFile: string;
  knownHosts: string;
  credentialsFile: string;
  vaultUrl: string;
  vaultCaPem: string;
  downloadsDir: string;
  /** A throwaway test passphrase: the bench's vault is its own. */
  passphrase: string;
  passphraseFile: string;
  concurrency: number;
  /** The repository, to name profile frames by their path below it. */
  root: string;
  profileFile?: string;
}

export interface AdminFigures {
  ms: number;
  cpu: NodeJS.CpuUsage;
  stages: Array<[string, StageFigures]>;
  outsideMs: number;
  idleRss: number;
  peakRss: number;
  peakHeap: number;
  registered: number;
  firstFailure?: unknown;
  profile?: ProfileSummary;
  /** Sessions the admin opened on the servers, all servers together, by what each ran. */
  sessions: Array<[string, number]>;
}

const refuse: SshPrompts = {
  trustNewHost: async () => {
    throw new Error('every host key is in known_hosts');
  },
  keyPassphrase: async () => undefined,
  password: async () => undefined,
};

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/** This bundle's source map, when it was built with one, so the profile names source files. */
async function bundleMap(): Promise<BundleMap | undefined> {
  const text = await fs.readFile(`${__filename}.map`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : { file: __filename, map: new SourceMap(JSON.parse(text) as SourceMapPayload) };
}

/**
 * What an exec session ran, as a short name: the connect probe, or the command (node's with the
 * agent's command or `-e`, the unpack script). Secrets go on stdin, so the line holds none.
 */
function sessionKind(line: string): string {
  if (line.startsWith('uname -s')) return 'probe (uname, host facts, node --version)';
  const [, command = '?', first = ''] = /exec '([^']*)'(?: '([^']*)')?/.exec(line) ?? [];
  if (command !== 'node') return command;
  const agentCommand = / '([a-z-]+)' '--json'/.exec(line)?.[1] ?? (line.includes("'--version'") ? '--version' : undefined);
  // The unpack script runs the staged agent's --version in a child node of its own (install.ts).
  return first === '-e' ? 'node -e (unpack, then a child node: the staged agent --version)' : `node main.js ${agentCommand ?? '?'}`;
}

type Method = (...args: unknown[]) => unknown;

/** The SFTP requests a session's client can send, counted as `sftp request: <name>`. */
const SFTP_REQUESTS = ['open', 'opendir', 'close', 'read', 'write', 'fstat', 'fchmod', 'lstat', 'stat', 'mkdir', 'rmdir', 'readdir', 'unlink', 'rename', 'symlink', 'readlink', 'realpath'];

/**
 * Counts every exec and SFTP session the shipped code opens, through ssh2's client, and every SFTP
 * request (the openssh extensions by their name), through the SFTP client's prototype.
 */
function countSessions(): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const countOn = (target: Record<string, Method>, name: string, kind: string) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function (this: unknown, ...args: unknown[]) {
      // readdir(path) sends no request itself: it calls opendir, readdir(handle) and close.
      if (!(name === 'readdir' && typeof args[0] === 'string')) add(kind);
      return original.apply(this, args);
    };
  };
  const patched = new Set<object>();
  const proto = Client.prototype as unknown as Record<string, Method>;
  const { exec, sftp } = proto;
  proto.exec = function (this: Client, line: unknown, ...rest: unknown[]) {
    add(`exec: ${sessionKind(String(line))}`);
    return exec!.call(this, line, ...rest);
  };
  proto.sftp = function (this: Client, callback: unknown) {
    add('sftp');
    return sftp!.call(this, (err: unknown, wrapper: object | undefined) => {
      const sftpProto = wrapper && (Object.getPrototypeOf(wrapper) as Record<string, Method>);
      if (sftpProto && !patched.has(sftpProto)) {
        patched.add(sftpProto);
        for (const name of SFTP_REQUESTS) countOn(sftpProto, name, `sftp request: ${name}`);
        for (const name of Object.getOwnPropertyNames(sftpProto).filter((n) => n.startsWith('ext_openssh_'))) countOn(sftpProto, name, `sftp request: ${name.slice(12)}@openssh`);
      }
      (callback as (err: unknown, wrapper: unknown) => void)(err, wrapper);
    });
  };
  return counts;
}

async function main(): Promise<void> {
  const sessions = countSessions();
  const job = JSON.parse(await readStdin()) as AdminJob;
  const servers: FleetServer[] = await Promise.all(
    job.servers.map(async (s) => ({
      key: s.key,
      destination: { ...(await resolveDestination(s.destination, { configText: '' })), identityFiles: [job.identityFile] },
      serverName: s.serverName,
      installFolder: s.installFolder,
    })),
  );
  const idleRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  // The heap every 500 ms (memoryUsage() walks the heap's spaces). The peak RSS is the kernel's
  // own high-water mark (getrusage's maxrss), read once at the end: exact, where sampling RSS
  // every 20 ms missed what fell between samples and cost the admin CPU it was measuring.
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 500);
  const profiler = job.profileFile ? await startCpuProfile(job.root, await bundleMap()) : undefined;
  const stages = new StageCpu();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const fleet = startFleet(
    {
      servers,
      credentialsFile: job.credentialsFile,
      proxy: parseProxySettings({ mode: 'off' }),
      dataSizeBytes: 0,
      passphrase: { kind: 'shared', value: new Secret(job.passphrase), file: job.passphraseFile },
      concurrency: job.concurrency,
    },
    {
      openTarget: (server, signal) => openSshTarget(server.destination, { prompts: refuse, knownHostsFiles: [job.knownHosts], logger: silentLogger, signal }),
      createService: (target, _choice, run) =>
        new SetupService({ target, logger: silentLogger, trust: [{ endpoint: endpointKey(job.vaultUrl), pem: job.vaultCaPem }], downloadCacheDir: job.downloadsDir, packages: run.packages }),
      confirmPassphraseLocation: async () => true,
      onUpdate: (row) => stages.update(row),
      logger: silentLogger,
    },
  );
  const report = await fleet.report;
  const ms = performance.now() - start;
  stages.settle();
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const profile = profiler && (await profiler.stop(job.profileFile!));
  const figures: AdminFigures = {
    ms,
    cpu,
    stages: [...stages.stages],
    outsideMs: stages.outsideMs,
    idleRss,
    peakRss,
    peakHeap,
    registered: report.counts.registered,
    ...(report.counts.registered === servers.length ? {} : { firstFailure: report.rows.find((r) => r.state !== 'registered') }),
    ...(profile ? { profile } : {}),
    sessions: [...sessions].sort((a, b) => b[1] - a[1]),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

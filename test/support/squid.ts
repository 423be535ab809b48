/**
 * A real Debian squid on 127.0.0.1 for proxy tests: throwaway config, no disk cache, optional
 * basic auth (htpasswd + basic_ncsa_auth), CONNECT allowed to loopback on any port (squid's
 * stock SSL_ports would only allow 443) and nothing else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './tls';

const SQUID_BIN = '/usr/sbin/squid';
const NCSA_HELPER = '/usr/lib/squid/basic_ncsa_auth';
const DIR_PREFIX = 'bas-squid-';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface SquidOptions {
  auth?: { user: string; password: string };
}

export interface Squid {
  port: number;
  /** `http://127.0.0.1:port`, without credentials. */
  origin: string;
  stop(): Promise<void>;
}

/** Why the squid tests cannot run here, or undefined when they can. */
export function squidUnavailableReason(): string | undefined {
  if (!existsSync(SQUID_BIN)) return `${SQUID_BIN} is not installed`;
  if (!existsSync(NCSA_HELPER)) return `${NCSA_HELPER} is not installed`;
  if (spawnSync('htpasswd', ['-h']).error) return 'htpasswd is not installed';
  return undefined;
}

export async function startSquid(options: SquidOptions = {}): Promise<Squid> {
  reapOrphans();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), DIR_PREFIX));
  try {
    // Started as root, squid and its helpers run as the `proxy` user, which must read the folder.
    await fs.chmod(dir, 0o755);
    await fs.writeFile(path.join(dir, 'owner.pid'), String(process.pid));
    if (options.auth) await writeHtpasswd(dir, options.auth.user, options.auth.password);
    // A free port can be taken between probing and squid's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(dir, port, options.auth !== undefined);
      if (started.ok) return handle(started.child, port, dir);
      if (!started.portTaken || attempt === 3) throw new Error(`squid did not start: ${started.log}`);
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function handle(child: ChildProcess, port: number, dir: string): Squid {
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      await terminate(child);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function writeHtpasswd(dir: string, user: string, password: string): Promise<void> {
  const file = path.join(dir, 'htpasswd');
  // -i reads the password from stdin, so it never appears in a process listing.
  const result = spawnSync('htpasswd', ['-i', '-c', '-m', file, user], { input: password });
  if (result.status !== 0) throw new Error(`htpasswd failed: ${result.stderr.toString()}`);
  await fs.chmod(file, 0o644);
}

function config(dir: string, port: number, auth: boolean): string {
  return [
    `http_port 127.0.0.1:${port}`,
    `pid_filename ${path.join(dir, 'squid.pid')}`,
    // Squid drops privileges before opening logs: diagnostics go to the inherited stderr (-d 1).
    'cache_log /dev/null',
    'access_log none',
    'cache deny all',
    'cache_mem 0 MB',
    'pinger_enable off',
    'shutdown_lifetime 0 seconds',
    'visible_hostname localhost',
    'netdb_filename none',
    'icp_port 0',
    'htcp_port 0',
    `coredump_dir ${dir}`,
    ...(auth
      ? [
          `auth_param basic program ${NCSA_HELPER} ${path.join(dir, 'htpasswd')}`,
          'auth_param basic children 2',
          'auth_param basic realm backup-agent-test',
          'acl authenticated proxy_auth REQUIRED',
        ]
      : []),
    'acl to_loopback dst 127.0.0.0/8 ::1',
    'http_access deny !to_loopback',
    ...(auth ? ['http_access deny !authenticated'] : []),
    'http_access allow localhost',
    'http_access deny all',
    '',
  ].join('\n');
}

type Launch = { ok: true; child: ChildProcess } | { ok: false; portTaken: boolean; log: string };

async function launch(dir: string, port: number, auth: boolean): Promise<Launch> {
  const conf = path.join(dir, 'squid.conf');
  await fs.writeFile(conf, config(dir, port, auth));
  // A unique service name keeps concurrent instances' shared-memory names apart.
  const child = spawn(SQUID_BIN, ['-N', '-d', '1', '-n', `bas${port}`, '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await accepts(port)) return { ok: true, child };
    await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
  }
  await terminate(child);
  return { ok: false, portTaken: /Address already in use|Cannot open HTTP Port/i.test(log), log };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Cleans up after test runs that died without stop(): a folder whose owner process is gone is
 * removed, and the squid its pid file names is killed only if that process is still a squid
 * started with this very folder's config (pids are reused). Live runs are left alone.
 */
function reapOrphans(): void {
  for (const name of readdirSync(os.tmpdir()).filter((n) => n.startsWith(DIR_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    const owner = readPid(path.join(dir, 'owner.pid'));
    // No owner file yet: a concurrent run may be between mkdtemp and writing it.
    if (owner === undefined ? ageMs(dir) < 60_000 : isAlive(owner)) continue;
    const squidPid = readPid(path.join(dir, 'squid.pid'));
    if (squidPid !== undefined && isAlive(squidPid) && cmdline(squidPid).includes(path.join(dir, 'squid.conf'))) {
      process.kill(squidPid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

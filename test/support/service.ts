/**
 * Test support for the SetupService and the CLI: a vault that serves a real agent package, a
 * capture logger, credentials files pointed wherever a test needs, and a fault-injecting HTTPS
 * proxy that stands in front of the real vault.
 */
import { X509Certificate } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, promises as fs } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import type { Logger } from '../../src/core/log';
import { Secret } from '../../src/core/secret';
import { parseProxySettings, type ProxySettingsInput } from '../../src/core/proxy/settings';
import { SetupService, type SetupInput, type SetupServiceOptions } from '../../src/core/service';
import { LocalTarget } from '../../src/core/target/local';
import { endpointKey } from '../../src/core/trust/endpoint';
import type { CredentialsFile, StartVaultOptions } from '../../src/vault';
import { createTestCa, type TestCa } from './tls';
import { buildAgentPackage, startTestVault, tempDir, type TestVault } from './vault';

let agentPackages: Promise<string> | undefined;

/** The agent package, built once per test process into a folder removed at exit. */
export function agentPackageDir(): Promise<string> {
  return (agentPackages ??= (async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'service-agent-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await buildAgentPackage(dir);
    return dir;
  })());
}

/** A test vault that serves the real agent package. */
export async function startServiceVault(options: Partial<StartVaultOptions> = {}): Promise<TestVault> {
  return startTestVault({ agentDir: await agentPackageDir(), ...options });
}

export interface CaptureLogger extends Logger {
  lines: string[];
}

/** Every level, kept in order: secrets must not show up in any of them. */
export function captureLogger(): CaptureLogger {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Writes a credentials file under its portal name, its endpoint optionally pointed elsewhere. */
export async function writeCredentials(dir: string, file: Pick<CredentialsFile, 'xml' | 'fileName'>, endpoint?: string): Promise<string> {
  const xml = endpoint ? file.xml.replace(/<IdMgmtRestEndpoint>[^<]*<\/IdMgmtRestEndpoint>/, `<IdMgmtRestEndpoint>${endpoint}</IdMgmtRestEndpoint>`) : file.xml;
  const out = path.join(dir, file.fileName);
  await fs.writeFile(out, xml);
  return out;
}

export const TEST_PASSPHRASE = 'Tr0ub4dor&3-horse-battery-staple';

export interface ServiceUnderTest {
  service: SetupService;
  logger: CaptureLogger;
}

/**
 * A SetupService on this machine that trusts `vault`'s CA for its endpoint (none: the system's
 * store only), with short time-outs and retries so fault tests stay quick.
 */
export function serviceFor(root: string, vault: { url: string; caCertPem: string } | undefined, overrides: Partial<SetupServiceOptions> = {}): ServiceUnderTest {
  const logger = captureLogger();
  const service = new SetupService({
    target: new LocalTarget(),
    logger,
    trust: vault ? [{ endpoint: endpointKey(vault.url), pem: vault.caCertPem }] : undefined,
    downloadCacheDir: path.join(root, 'downloads'),
    network: { requestTimeoutMs: 5_000, retry: { retries: 2, baseDelayMs: 50, maxDelayMs: 200 } },
    ...overrides,
  });
  return { service, logger };
}

export function setupInput(credentialsFile: string, root: string, overrides: Partial<SetupInput> & { proxyInput?: ProxySettingsInput; passphraseText?: string } = {}): SetupInput {
  const { proxyInput, passphraseText, ...rest } = overrides;
  return {
    credentialsFile,
    installFolder: path.join(root, 'install'),
    dataSizeBytes: 1024 * 1024,
    proxy: parseProxySettings(proxyInput ?? { mode: 'off' }),
    passphrase: { value: new Secret(passphraseText ?? TEST_PASSPHRASE) },
    passphraseFile: path.join(root, 'admin', `passphrase-${path.basename(root)}.txt`),
    ...rest,
  };
}

/** Accepts every passphrase location warning, as a user clicking "Save anyway" would. */
export const acceptLocation = async (): Promise<boolean> => true;

export { tempDir };

// ---------------------------------------------------------------------------------------------
// The fault-injecting proxy

export type FaultKind = 'status503' | 'resetMidResponse' | 'delay';

export interface Fault {
  method: string;
  /** Matched against the request path. */
  path: RegExp;
  kind: FaultKind;
  /** For `delay`: how long the answer is held back. */
  delayMs?: number;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  outcome: FaultKind | 'forwarded';
  status?: number;
}

export interface FaultProxy {
  /** `https://127.0.0.1:port`, to write into credentials files. */
  url: string;
  /** The CA of the proxy's own server certificate: trust it next to the vault's. */
  caCertPem: string;
  inject(fault: Fault): void;
  /** A client identity the proxy may present upstream when a client presents the same certificate. */
  addIdentity(identity: { certPem: string; keyPem: string }): void;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A TLS-terminating reverse proxy on loopback in front of the real vault. Each request is either
 * answered with a fault or forwarded; a forwarded request presents upstream the identity (added
 * with addIdentity) whose certificate the client presented, so the vault's mTLS rules still apply.
 */
export async function startFaultProxy(upstream: { url: string; caCertPem: string }, ca: TestCa = createTestCa('Fault proxy CA')): Promise<FaultProxy> {
  const serverCert = ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] });
  const faults: Array<Fault & { left: number }> = [];
  const identities = new Map<string, Agent>();
  const anonymous = new Agent({ connect: { ca: upstream.caCertPem } });
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const upstreamFor = (req: IncomingMessage): Agent => {
    const peer = (req.socket as TLSSocket).getPeerX509Certificate?.();
    return (peer && identities.get(peer.fingerprint256)) ?? anonymous;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = Buffer.concat(await req.toArray());
    const method = req.method ?? 'GET';
    const urlPath = req.url ?? '/';
    const fault = faults.find((f) => f.left > 0 && f.method === method && f.path.test(urlPath));
    if (fault) fault.left--;
    const record: ProxiedRequest = { method, path: urlPath, outcome: fault?.kind ?? 'forwarded' };
    requests.push(record);

    if (fault?.kind === 'status503') {
      record.status = 503;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 10_000));
    if (req.socket.destroyed) return;
    const answer = await request(`${upstream.url}${urlPath}`, {
      method: method as 'GET',
      dispatcher: upstreamFor(req),
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json', accept: 'application/json' },
      body: body.length > 0 ? body : undefined,
    });
    const text = Buffer.from(await answer.body.arrayBuffer());
    record.status = answer.statusCode;
    if (fault?.kind === 'resetMidResponse') {
      // The vault did the work; the client sees half an answer and then a TCP reset.
      res.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': text.length });
      res.write(text.subarray(0, Math.floor(text.length / 2)));
      const raw = (req.socket as TLSSocket & { _parent?: Socket })._parent;
      setTimeout(() => (raw?.resetAndDestroy ? raw.resetAndDestroy() : req.socket.destroy()), 20);
      return;
    }
    res.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': text.length }).end(text);
  };

  const server = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caCertPem: ca.certPem,
    inject: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    addIdentity: ({ certPem, keyPem }) =>
      void identities.set(new X509Certificate(certPem).fingerprint256, new Agent({ connect: { ca: upstream.caCertPem, cert: certPem, key: keyPem } })),
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([anonymous.close(), ...[...identities.values()].map((a) => a.close())]);
    },
  };
}

/** Searches text and files for secrets; returns "where: secret" for each find. */
export async function findSecrets(secrets: readonly string[], texts: Record<string, string>, files: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) for (const s of secrets) if (text.includes(s)) found.push(`${where}: ${s.slice(0, 4)}…`);
  for (const file of files) {
    const content = await fs.readFile(file, 'latin1');
    for (const s of secrets) if (content.includes(s)) found.push(`${file}: ${s.slice(0, 4)}…`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// The CLI as a real process

const REPO = path.resolve(__dirname, '..', '..');
/** The installed command: package.json's `bin` entry, the bundle (scripts/build-cli.mjs). */
export const CLI_BIN = path.join(REPO, (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['backup-agent-setup']!);

let cliBuilt: Promise<unknown> | undefined;
/** Builds the command lines' bundles when a source is newer than them (once per test process). */
export function ensureCliBuilt(): Promise<unknown> {
  cliBuilt ??= import(pathToFileURL(path.join(REPO, 'scripts', 'build-cli.mjs')).href).then((m: { ensureCliBuilt(o: { root: string }): Promise<boolean> }) => m.ensureCliBuilt({ root: REPO }));
  return cliBuilt;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed stdout, when it is one JSON object. */
  json?: AnyJson;
  /** The command lines (/proc/<pid>/cmdline) sampled on the machine while the CLI ran, with `watchProcesses`. */
  commandLines: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

/**
 * Runs the installed command (`backup-agent-setup <args>`: the bin's bundle, started through its
 * `#!/usr/bin/env node` line), with `env` added to a minimal environment and `stdin` written to it. `watchProcesses` samples every process's
 * command line every 5 ms while it runs, so a test can show that no secret appeared in one it
 * sampled (a process shorter than that can slip between samples);
 * `interruptAfterMs` sends it SIGINT (Ctrl+C).
 */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; watchProcesses?: boolean; interruptAfterMs?: number } = {},
): Promise<CliRun> {
  await ensureCliBuilt();
  // This node first on PATH: the one the bin's `#!/usr/bin/env node` finds.
  const env = {
    PATH: [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
    HOME: process.env.HOME ?? os.tmpdir(),
    // The install record where this test process keeps it (test/support/recordDir.ts).
    ...(process.env.BACKUP_AGENT_RECORD_DIR ? { BACKUP_AGENT_RECORD_DIR: process.env.BACKUP_AGENT_RECORD_DIR } : {}),
    ...options.env,
  };
  const child = spawn(CLI_BIN, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const commandLines = new Set<string>();
  const watcher = options.watchProcesses ? watchCommandLines(commandLines) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const interrupt = options.interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(interrupt);
  watcher?.stop();
  let json: AnyJson;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json, commandLines: [...commandLines] };
}

function watchCommandLines(into: Set<string>): { stop(): void } {
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        into.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
      } catch {
        // the process ended between the listing and the read
      }
    }
  };
  sample();
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
    },
  };
}

/**
 * Real OpenSSH servers for the tests: Debian's sshd on a free 127.0.0.1 port, with a throwaway
 * host key and its own authorized_keys, logging in as the user running the tests. Several can run
 * at once; each gets its own folder. kill() drops it hard (the listener and every session, as a
 * crash or a reboot would); close() stops it and removes its folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { utils } from 'ssh2';
import { killTree } from './processes';

export const SSHD_BIN = '/usr/sbin/sshd';

/** Why sshd tests cannot run here, or undefined when they can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(SSHD_BIN)) return `${SSHD_BIN} is not installed (Debian package openssh-server)`;
  if (spawnSync('ssh-keygen', ['-?']).error) return 'ssh-keygen is not installed';
  return undefined;
}

export interface KeyPair {
  /** The private key file (OpenSSH format, 0600). */
  privateKeyFile: string;
  /** The public key line, e.g. `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
}

/**
 * A new key pair in `dir`. With `passphrase` the private key is encrypted by ssh2's generator in
 * this process, so the passphrase is never on a command line; without, ssh-keygen makes it.
 */
export async function generateKeyPair(dir: string, name: string, options: { type?: 'ed25519' | 'rsa'; passphrase?: string } = {}): Promise<KeyPair> {
  const file = path.join(dir, name);
  const type = options.type ?? 'ed25519';
  if (options.passphrase !== undefined) {
    const pair = utils.generateKeyPairSync(type, { passphrase: options.passphrase, cipher: 'aes256-ctr', comment: name, ...(type === 'rsa' ? { bits: 2048 } : {}) });
    await fs.writeFile(file, pair.private, { mode: 0o600 });
    await fs.writeFile(`${file}.pub`, `${pair.public}\n`);
    return { privateKeyFile: file, publicKey: pair.public.trim() };
  }
  const result = spawnSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', file], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
  return { privateKeyFile: file, publicKey: (await fs.readFile(`${file}.pub`, 'utf8')).trim() };
}

export interface SshdOptions {
  /** Public key lines allowed to log in. */
  authorizedKeys?: string[];
  /** Allow password authentication (checked by sshd against the system's accounts). */
  passwordAuthentication?: boolean;
  /** Reuse a host key (a server "reinstalled" on the same port keeps or changes its key). */
  hostKey?: KeyPair;
  /** A port to listen on (to bring a server back on the same address). */
  port?: number;
  /** More sshd_config lines (e.g. `AllowTcpForwarding no`). */
  extraConfig?: string[];
  /** sshd's ForceCommand: what every session runs instead (a server whose shell is not POSIX, say). */
  forceCommand?: string;
  /** More variables for every session (sshd takes only its first SetEnv line, so they join it); values may hold spaces. */
  env?: Record<string, string>;
}

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** The user the tests log in as (the one running them). */
  user: string;
  hostKey: KeyPair;
  /** A known_hosts line for this server, as OpenSSH writes it for a non-default port. */
  knownHostsLine: string;
  dir: string;
  /** The listener's process id; its sessions are its descendants. */
  pid: number;
  /** SIGKILL the listener and every session it forked. */
  kill(): void;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server sends its SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    const banner = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.once('data', (d) => {
        resolve(d.toString('latin1'));
        socket.destroy();
      });
      socket.once('error', () => resolve(''));
      socket.once('timeout', () => {
        resolve('');
        socket.destroy();
      });
    });
    if (banner.startsWith('SSH-2.0-')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on port ${port} did not answer: ${stderr()}`);
}

/**
 * sshd_config in `dir` (with its authorized_keys): the host key, these options, and `listen`
 * (how the server is reached). Returns the config file.
 */
export async function writeSshdConfig(dir: string, hostKey: KeyPair, options: SshdOptions, listen: string[]): Promise<string> {
  // sshd as root wants its privilege separation folder.
  if (process.getuid?.() === 0) await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await fs.writeFile(path.join(dir, 'authorized_keys'), `${(options.authorizedKeys ?? []).join('\n')}\n`, { mode: 0o600 });
  const config = [
    ...listen,
    `HostKey ${hostKey.privateKeyFile}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    `PasswordAuthentication ${options.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin yes',
    'Subsystem sftp internal-sftp',
    'MaxStartups 200',
    'MaxSessions 100',
    'LogLevel ERROR',
    // Each session starts the login user's shell, which reads that user's startup files. Where those
    // run pyenv (root's do on the test machines), every session's rehash queues on one lock file for
    // up to 60 s, and a session a test kills mid-rehash leaves the lock behind for all later ones.
    // Test sessions never need the rehash: they try the lock once and go on. The install record
    // goes where this test process keeps it (test/support/recordDir.ts), as locally.
    `SetEnv ${Object.entries({ PYENV_REHASH_TIMEOUT: '0', BACKUP_AGENT_RECORD_DIR: process.env.BACKUP_AGENT_RECORD_DIR, ...options.env })
      // Quoted, so that a value may hold spaces (sshd_config's own quoting; \ and " escaped).
      .flatMap(([name, value]) => (value === undefined ? [] : [`"${`${name}=${value}`.replace(/[\\"]/g, '\\$&')}"`]))
      .join(' ')}`,
    ...(options.forceCommand ? [`ForceCommand ${options.forceCommand}`] : []),
    ...(options.extraConfig ?? []),
  ];
  const configFile = path.join(dir, 'sshd_config');
  await fs.writeFile(configFile, `${config.join('\n')}\n`);
  return configFile;
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sshd-test-'));
  try {
    const hostKey = options.hostKey ?? (await generateKeyPair(dir, 'host_ed25519'));
    const port = options.port ?? (await freePort());
    const configFile = await writeSshdConfig(dir, hostKey, options, [`Port ${port}`, 'ListenAddress 127.0.0.1', `PidFile ${path.join(dir, 'sshd.pid')}`]);
    let errors = '';
    const child = spawn(SSHD_BIN, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
    await waitForBanner(port, child, () => errors);
    const kill = () => {
      if (child.pid !== undefined) killTree(child.pid);
    };
    const [type, key] = hostKey.publicKey.split(' ');
    return {
      host: '127.0.0.1',
      port,
      user: os.userInfo().username,
      hostKey,
      knownHostsLine: `[127.0.0.1]:${port} ${type} ${key}`,
      dir,
      pid: child.pid!,
      kill,
      close: async () => {
        kill();
        if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

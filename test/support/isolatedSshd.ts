/**
 * A real OpenSSH server that the tests reach only through a ProxyCommand: each connection runs
 * `sshd -i` in a network namespace of its own (`unshare -n`), with a loopback of its own and
 * nothing else. Its sessions cannot reach what listens on this machine's 127.0.0.1: a server
 * that sees this machine's services at other addresses than they bind, as a remote one does.
 * Same keys and config as test/support/sshd.ts; needs root (unshare) and iproute2.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair, SSHD_BIN, sshdUnavailableReason, writeSshdConfig, type KeyPair, type SshdOptions } from './sshd';

/** The server's name in destinations and known_hosts; never resolved, the ProxyCommand carries the connection. */
export const ISOLATED_HOST = 'isolated-sshd';

export interface IsolatedSshd {
  host: typeof ISOLATED_HOST;
  port: 22;
  /** The user the tests log in as (the one running them). */
  user: string;
  hostKey: KeyPair;
  knownHostsLine: string;
  /** The ssh config's ProxyCommand that reaches it. */
  proxyCommand: string;
  dir: string;
  /** Removes its folder; each server process ends with its connection. */
  close(): Promise<void>;
}

/** Why isolated servers cannot run here, or undefined when they can. */
export function isolatedSshdUnavailableReason(): string | undefined {
  const reason = sshdUnavailableReason();
  if (reason) return reason;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.status !== 0) return `unshare -n cannot make a network namespace here: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}`;
  return undefined;
}

export async function startIsolatedSshd(options: Omit<SshdOptions, 'port'> = {}): Promise<IsolatedSshd> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sshd-isolated-'));
  try {
    const hostKey = options.hostKey ?? (await generateKeyPair(dir, 'host_ed25519'));
    const configFile = await writeSshdConfig(dir, hostKey, options, []);
    const [type, key] = hostKey.publicKey.split(' ');
    return {
      host: ISOLATED_HOST,
      port: 22,
      user: os.userInfo().username,
      hostKey,
      knownHostsLine: `${ISOLATED_HOST} ${type} ${key}`,
      // -e: sshd's own errors on its stderr, which the client logs.
      proxyCommand: `unshare -n sh -c 'ip link set lo up && exec ${SSHD_BIN} -i -e -f ${configFile}'`,
      dir,
      close: () => fs.rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

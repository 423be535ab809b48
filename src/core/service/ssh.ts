/**
 * SSH targets for the adapters, through the front door: `openSshTarget` loads SSH (ssh2, the
 * connection and the remote-shell strategies) on first use, a chunk of its own, so the common
 * path carries only SSH's light modules (ssh config, known_hosts, destinations).
 */
import type { SshConnectOptions, SshDestination } from '../target/ssh/types';
import type { SshTarget } from '../target/ssh/sshTarget';

export async function openSshTarget(destination: SshDestination, options: SshConnectOptions): Promise<SshTarget> {
  const ssh = await import('../target/ssh');
  return ssh.openSshTarget(destination, options);
}

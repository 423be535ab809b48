/**
 * The SSH target: where a server is (ssh config, typed destinations), trust in its host key
 * (known_hosts), and the connection that makes it a Target.
 */
import { connectSsh } from './connect';
import { probeRemoteShell } from './probe';
import { SshTarget } from './sshTarget';
import { SshTransport } from './transport';
import type { SshConnectOptions, SshDestination } from './types';

export * from './types';
export { resolveDestination, type ResolveOptions } from './destination';
export { listConfigHosts, defaultSshConfigFile } from './sshConfig';
export { defaultKnownHostsFile } from './knownHosts';
export { SshTarget } from './sshTarget';

/**
 * Connects (host key checked, authenticated), probes the server's shell, and returns the server
 * as a Target; close() it when done.
 */
export async function openSshTarget(destination: SshDestination, options: SshConnectOptions): Promise<SshTarget> {
  const transport = new SshTransport(destination, await connectSsh(destination, options), options.logger);
  options.logger.info(`SSH: connected to ${destination.user}@${destination.host}:${destination.port}.`);
  try {
    return new SshTarget(transport, await probeRemoteShell(transport, options.signal));
  } catch (err) {
    transport.close();
    throw err;
  }
}

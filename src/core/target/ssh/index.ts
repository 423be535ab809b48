/**
 * The SSH target: where a server is (ssh config, typed destinations), trust in its host key
 * (known_hosts), and the connection that makes it a Target.
 */
import { connectSsh } from './connect';
import { SshTarget } from './sshTarget';
import type { SshConnectOptions, SshDestination } from './types';

export * from './types';
export { resolveDestination, type ResolveOptions } from './destination';
export { listConfigHosts, defaultSshConfigFile } from './sshConfig';
export { defaultKnownHostsFile } from './knownHosts';
export { SshTarget } from './sshTarget';

/** Connects (host key checked, authenticated) and returns the server as a Target; close() it when done. */
export async function openSshTarget(destination: SshDestination, options: SshConnectOptions): Promise<SshTarget> {
  const connection = await connectSsh(destination, options);
  options.logger.info(`SSH: connected to ${destination.user}@${destination.host}:${destination.port}.`);
  return new SshTarget(destination, connection, options.logger);
}

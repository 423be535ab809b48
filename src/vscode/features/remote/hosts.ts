/**
 * Where remote servers are: the Host aliases of the admin's ssh config (`backupAgent.ssh.configFile`,
 * default ~/.ssh/config) and typed `user@host:port` text, resolved by the core the way ssh does.
 */
import { promises as fs } from 'node:fs';
// From their own modules, not the SSH index, which would load ssh2 with the host list.
import { defaultKnownHostsFile, defaultSshConfigFile, listConfigHosts, resolveDestination, type SshDestination } from '../../../core/service';
import { readSettings } from '../settings';

export const sshConfigFile = (): string => readSettings().ssh.configFile || defaultSshConfigFile();
export const knownHostsFile = (): string => readSettings().ssh.knownHostsFile || defaultKnownHostsFile();

/** The concrete Host aliases of the ssh config; none when there is no config file. */
export async function configHosts(): Promise<string[]> {
  try {
    return listConfigHosts(await fs.readFile(sshConfigFile(), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export const resolveHost = (text: string): Promise<SshDestination> => resolveDestination(text.trim(), { configFile: sshConfigFile() });

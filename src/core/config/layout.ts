/**
 * Where an install keeps its files on the target. Everything the agent needs at run time sits
 * under the install folder, so the agent, the extension and the CLI find it the same way.
 */
import path from 'node:path';
import { pathOf } from '../target/paths';
import type { HostFacts, Target } from '../target/target';

export interface AgentLayout {
  installFolder: string;
  /** The unpacked agent package. */
  agentDir: string;
  configDir: string;
  /** The agent configuration (versioned JSON, no secrets). */
  configFile: string;
  /** Created once per install, before registering, so every retry reuses the same identity. */
  machineIdFile: string;
  /** The machine's private key (0600). */
  machineKeyFile: string;
  machineCertFile: string;
  vaultCaFile: string;
  /** The proxy password the agent needs (0600), never inside the configuration. */
  proxyPasswordFile: string;
}

export function agentLayout(target: Pick<Target, 'pathStyle'>, installFolder: string): AgentLayout {
  const p = pathOf(target);
  const configDir = p.join(installFolder, 'config');
  return {
    installFolder,
    agentDir: p.join(installFolder, 'agent'),
    configDir,
    configFile: p.join(configDir, 'agent.json'),
    machineIdFile: p.join(configDir, 'machine-id'),
    machineKeyFile: p.join(configDir, 'machine.key'),
    machineCertFile: p.join(configDir, 'machine.crt'),
    vaultCaFile: p.join(configDir, 'vault-ca.crt'),
    proxyPasswordFile: p.join(configDir, 'proxy-password'),
  };
}

/**
 * The MARS installer's own install folder (agent facts §3, its `/p:` default): Windows servers get
 * MARS, and an agent already installed there is found rather than installed again elsewhere.
 */
export const MARS_DEFAULT_INSTALL_FOLDER = 'C:\\Program Files\\Microsoft Azure Recovery Services Agent';

/** The install and cache folders used when the admin does not choose them (the agent's /p and /s defaults). */
export function defaultFolders(facts: HostFacts): { installFolder: string; cacheFolder: string } {
  if (facts.platform === 'win32') {
    return { installFolder: MARS_DEFAULT_INSTALL_FOLDER, cacheFolder: path.win32.join(MARS_DEFAULT_INSTALL_FOLDER, 'Scratch') };
  }
  const installFolder = facts.elevated ? '/opt/backup-agent' : path.posix.join(facts.homeDir, '.backup-agent');
  return { installFolder, cacheFolder: path.posix.join(installFolder, 'scratch') };
}

/**
 * Where the setup records the install folder on the target (install.json, see installRecord.ts),
 * per account on POSIX (root's in /etc, as its default install is system-wide), so that status and
 * unregister find an install in a chosen folder without being told. Windows' place is kept for the
 * MARS driver to come. BACKUP_AGENT_RECORD_DIR in the account's environment moves it (a test run
 * keeps its own).
 */
export function installRecordFile(facts: HostFacts): string {
  if (facts.platform === 'win32') return path.win32.join(facts.recordDir ?? 'C:\\ProgramData\\Backup Agent', 'install.json');
  const dir = facts.recordDir ?? (facts.elevated ? '/etc/backup-agent' : path.posix.join(facts.homeDir, '.config', 'backup-agent'));
  return path.posix.join(dir, 'install.json');
}

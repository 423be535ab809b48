/**
 * The agent configuration a setup leaves behind, written last and atomically: a cancelled or
 * failed setup leaves the previous configuration (or none), never half of one.
 */
import { AGENT_CONFIG_VERSION, writeAgentConfig, type AgentConfig, type AgentProxy } from '../config/agentConfig';
import type { AgentLayout } from '../config/layout';
import type { VaultCredentials } from '../credentials/model';
import { guardTargetWrite } from '../target/files';
import type { Target } from '../target/target';
import type { StoredPassphrase } from './passphrase';

export interface ConfigurationInput {
  machineId: string;
  serverName: string;
  agentVersion: string;
  installFolder: string;
  cacheFolder: string;
  proxy: AgentProxy;
  credentials: VaultCredentials;
  registration: { id: string; registeredAt: string; machineCertificateNotAfter: Date };
  passphrase: StoredPassphrase;
  now: Date;
}

export function registeredConfig(input: ConfigurationInput): AgentConfig {
  const { credentials: c } = input;
  return {
    formatVersion: AGENT_CONFIG_VERSION,
    machineId: input.machineId,
    serverName: input.serverName,
    agentVersion: input.agentVersion,
    installFolder: input.installFolder,
    cacheFolder: input.cacheFolder,
    proxy: input.proxy,
    vault: { name: c.vaultName, subscriptionId: c.subscriptionId, resourceGroup: c.resourceGroup, location: c.location, resourceId: c.resourceId, endpoint: c.endpoint },
    registration: {
      id: input.registration.id,
      registeredAt: new Date(input.registration.registeredAt).toISOString(),
      machineCertificateNotAfter: input.registration.machineCertificateNotAfter.toISOString(),
    },
    passphrase: input.passphrase,
    updatedAt: input.now.toISOString(),
  };
}

export function saveConfig(target: Target, layout: AgentLayout, config: AgentConfig): Promise<void> {
  return guardTargetWrite(target, layout.configFile, () => writeAgentConfig(target, layout, config));
}

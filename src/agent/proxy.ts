/**
 * The proxy the agent reaches the vault through: its configuration read the same way the setup
 * service reads it (explicit with the password from its 0600 file, the environment, or none),
 * then the core's resolveProxy, the same decision the extension makes.
 */
import type { AgentProxy } from '../core/config/agentConfig';
import { resolveProxy, type ProxyResolution } from '../core/proxy/resolve';
import { proxySettingsFromConfig } from '../core/service/agentProxy';
import type { Target } from '../core/target/target';

export async function agentProxy(target: Target, proxy: AgentProxy, endpoint: string, env: NodeJS.ProcessEnv = process.env): Promise<ProxyResolution> {
  return resolveProxy(await proxySettingsFromConfig(target, proxy), endpoint, { env });
}

import { AGENT_VERSION } from '../version';
import { withConfig, type AgentPlace } from '../context';
import type { VaultWay } from '../../core/agents/reference/protocol';
import { describeProxy } from '../../core/proxy/resolve';
import { registeredWay } from '../vaultRoute';

/** The registration as the vault sees it now; `notRegistered` without asking when there is none. */
export async function status(place: AgentPlace, request: { way: VaultWay }): Promise<Record<string, unknown>> {
  const { target, layout, config } = await withConfig(place);
  const local = { machineId: config.machineId, serverName: config.serverName, agentVersion: AGENT_VERSION };
  if (!config.registration) return { state: 'notRegistered', ...local };
  const way = await registeredWay(target, layout, config, request.way);
  const registration = await way.client.getRegistration(way.identity, way.registrationId);
  return {
    state: registration.status,
    ...local,
    registrationId: registration.registrationId,
    vault: registration.vault,
    endpoint: config.vault?.endpoint,
    registeredAt: registration.registeredAt,
    certificateNotAfter: registration.certificateNotAfter,
    via: way.route.proxy.proxy ? describeProxy(way.route.proxy.proxy) : 'direct',
    registration,
  };
}

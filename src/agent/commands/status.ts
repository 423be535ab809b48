import { deriveRegistrationState } from '../../core/status';
import { AGENT_VERSION } from '../version';
import { withConfig, type AgentPlace } from '../context';
import type { VaultWay } from '../../core/agents/reference/protocol';
import { describeProxy } from '../../core/proxy/resolve';
import { registeredWay } from '../vaultRoute';

/**
 * The registration as the vault sees it now; `notSetUp` without asking when there is none. `state`
 * is the one state model the setup's status, the CLI and the extension show (core/status.ts); the
 * vault's own word for the registration is `registration.status`.
 */
export async function status(place: AgentPlace, request: { way: VaultWay }): Promise<Record<string, unknown>> {
  const { target, layout, config } = await withConfig(place);
  const local = { machineId: config.machineId, serverName: config.serverName, agentVersion: AGENT_VERSION };
  const now = new Date();
  if (!config.registration || !config.vault) return { state: deriveRegistrationState({ now }).kind, ...local };
  const way = await registeredWay(target, layout, config, request.way);
  const registration = await way.client.getRegistration(way.identity, way.registrationId);
  return {
    state: deriveRegistrationState({
      registration: { vaultName: config.vault.name, serverName: config.serverName },
      health: registration.status === 'registered' ? 'ok' : 'revoked',
      now,
    }).kind,
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

import type { AgentContext } from '../context';
import { AGENT_VERSION } from '../version';
import { callRegistration } from '../vault';

/** The registration as the vault sees it now; `notRegistered` without asking when there is none. */
export async function status(ctx: AgentContext): Promise<Record<string, unknown>> {
  const { config } = ctx;
  const local = { machineId: config.machineId, serverName: config.serverName, agentVersion: AGENT_VERSION };
  if (!config.registration) return { state: 'notRegistered', ...local };
  const { registration, via } = await callRegistration(ctx, 'GET');
  return {
    state: registration.status,
    ...local,
    registrationId: registration.registrationId,
    vault: registration.vault,
    endpoint: config.vault?.endpoint,
    registeredAt: registration.registeredAt,
    certificateNotAfter: registration.certificateNotAfter,
    via,
  };
}

import { writeAgentConfig } from '../../core/config/agentConfig';
import type { AgentContext } from '../context';
import { callRegistration } from '../vault';

/** Unregisters at the vault first; only once the vault has agreed does the configuration forget the registration. */
export async function unregister(ctx: AgentContext): Promise<Record<string, unknown>> {
  const { target, layout, config } = ctx;
  const { registration, via } = await callRegistration(ctx, 'DELETE');
  await writeAgentConfig(target, layout, { ...config, registration: null, updatedAt: new Date().toISOString() });
  return { state: 'unregistered', vaultState: registration.status, registrationId: registration.registrationId, vault: registration.vault, via };
}

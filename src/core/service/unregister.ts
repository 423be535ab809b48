/**
 * Ending a registration through the vault backend (the local vault's has the agent on the server
 * do it, as it holds the machine's key): at the vault first (idempotent there), then in the configuration (the machine id stays, so registering
 * again later is the same machine), then the key and certificate. A re-run after a failure at any
 * step finishes it. The install record stays, as the install does: status still reads it there.
 */
import { installPlace, requireConfig, type ServiceContext } from './context';
import type { OperationOptions, UnregisterResult } from './types';

export const UNREGISTER_STAGES = ['unregisterAtVault', 'writeConfiguration', 'removeMachineCertificate'] as const;
export type UnregisterStage = (typeof UNREGISTER_STAGES)[number];

export async function runUnregister(ctx: ServiceContext, options: OperationOptions = {}): Promise<UnregisterResult> {
  const { signal, onProgress } = options;
  const place = await installPlace(ctx, options.installFolder, signal);
  const config = await requireConfig(ctx, place);
  const vault = config.vault ? await ctx.backend.access.endpoint(config.vault.endpoint) : undefined;
  const done = await ctx.backend.removeMachine(ctx.agent, { layout: place.layout, vault }, { signal, onStage: (name) => onProgress?.(name) });
  if (done.alreadyUnregistered) return { alreadyUnregistered: true };
  ctx.logger.info(`Unregistered from vault ${done.remote.vault}: registration ${done.registrationId} is ${done.remote.status}.`);
  return { registrationId: done.registrationId, alreadyUnregistered: false, remote: done.remote };
}

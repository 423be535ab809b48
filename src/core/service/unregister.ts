/**
 * Ending a registration: at the vault first (idempotent there), then in the configuration (the
 * machine id stays, so registering again later is the same machine), then the key and
 * certificate, which authenticate nothing any more. A re-run after a failure at any step finishes it.
 */
import { removeMachineCertificate } from '../registration/machineCertificate';
import { saveConfig } from './configuration';
import { installPlace, requireConfig, stage, type ServiceContext } from './context';
import { registeredMachine } from './registeredMachine';
import type { OperationOptions, UnregisterResult } from './types';

export const UNREGISTER_STAGES = ['unregisterAtVault', 'writeConfiguration', 'removeMachineCertificate'] as const;
export type UnregisterStage = (typeof UNREGISTER_STAGES)[number];

export async function runUnregister(ctx: ServiceContext, options: OperationOptions = {}): Promise<UnregisterResult> {
  const { signal, onProgress } = options;
  const enter = (name: UnregisterStage) => stage(onProgress, signal, name);
  const place = await installPlace(ctx, options.installFolder, signal);
  const config = await requireConfig(ctx, place);
  if (!config.registration) {
    enter('removeMachineCertificate');
    await removeMachineCertificate(ctx.target, place.layout);
    return { alreadyUnregistered: true };
  }

  enter('unregisterAtVault');
  const machine = await registeredMachine(ctx, place, config);
  const remote = await machine.client.unregister(machine.identity, machine.registrationId, signal);
  ctx.logger.info(`Unregistered from vault ${machine.vaultName}: registration ${machine.registrationId} is ${remote.status}.`);

  enter('writeConfiguration');
  await saveConfig(ctx.target, place.layout, { ...config, registration: null, updatedAt: ctx.now().toISOString() });

  enter('removeMachineCertificate');
  await removeMachineCertificate(ctx.target, place.layout);
  return { registrationId: machine.registrationId, alreadyUnregistered: false, remote };
}

/**
 * The registration as this target and the vault see it, in the one state model the status bar
 * and the walkthrough show (core/status.ts).
 */
import { publicConfig, readAgentConfig } from '../config/agentConfig';
import { CancelledError, SetupError } from '../errors';
import { deriveRegistrationState, type StateInputs } from '../status';
import { installPlace, type ServiceContext } from './context';
import { registeredMachine } from './registeredMachine';
import type { RemoteStatus, SetupStatus } from './types';
import { isNetworkCode } from './vaultAccess';

export async function readStatus(ctx: ServiceContext, installFolder?: string, signal?: AbortSignal): Promise<SetupStatus> {
  const place = await installPlace(ctx, installFolder, signal);
  const config = await readAgentConfig(ctx.target, place.layout);
  const now = ctx.now();
  if (!config?.registration || !config.vault) {
    return { installFolder: place.installFolder, config: config && publicConfig(config), state: deriveRegistrationState({ now }) };
  }
  let remote: RemoteStatus;
  try {
    const machine = await registeredMachine(ctx, place, config);
    remote = { ok: true, registration: await machine.client.getRegistration(machine.identity, machine.registrationId, signal) };
  } catch (err) {
    if (err instanceof CancelledError || !(err instanceof SetupError)) throw err;
    remote = { ok: false, error: err.toJSON() };
  }
  const registration = { vaultName: config.vault.name, serverName: config.serverName };
  return { installFolder: place.installFolder, config: publicConfig(config), state: deriveRegistrationState({ registration, health: healthOf(remote), now }), remote };
}

/** An ended registration reads as revoked; a vault that cannot be reached, or fails, as unreachable. */
function healthOf(remote: RemoteStatus): StateInputs['health'] {
  if (remote.ok) return remote.registration.status === 'registered' ? 'ok' : 'revoked';
  const { code, params } = remote.error;
  if (code === 'RegistrationNotFound') return 'revoked';
  if (isNetworkCode(code) || Number(params.httpStatus) >= 500) return 'unreachable';
  return undefined;
}

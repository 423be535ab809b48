/**
 * The registration as this target and the vault see it, in the one state model the status bar
 * and the setup page show (core/status.ts).
 */
import { publicConfig, readAgentConfig } from '../config/agentConfig';
import { CancelledError, SetupError } from '../errors';
import { deriveRegistrationState, type StateInputs } from '../status';
import type { HostFacts } from '../target/target';
import { agentForPlatform, backendForPlatform } from '../vault/choose';
import { installPlace, type ServiceContext } from './context';
import type { BackendChoice, RemoteStatus, SetupStatus } from './types';
import { isNetworkCode } from './vaultAccess';

export interface StatusOptions {
  installFolder?: string;
  signal?: AbortSignal;
  /**
   * False reads the configuration alone: no machine certificate, no vault call, so no `remote`
   * and a recorded registration reads as registered. The fleet uses it to tell registered servers.
   */
  askVault?: boolean;
}

/**
 * The one vault service whose agent runs on the server's system (vault/choose.ts's rule: Windows,
 * an Azure vault's MARS agent; POSIX, the local vault's reference agent): a server's status is
 * read through a service built for it, so a Windows server is read by the MARS driver.
 */
export function statusChoice(facts: Pick<HostFacts, 'platform'>): BackendChoice {
  return { backend: backendForPlatform(facts.platform), agent: agentForPlatform(facts.platform) };
}

export async function readStatus(ctx: ServiceContext, { installFolder, signal, askVault = true }: StatusOptions = {}): Promise<SetupStatus> {
  const place = await installPlace(ctx, installFolder, signal);
  const config = await readAgentConfig(ctx.target, place.layout);
  const now = ctx.now();
  const where = { installFolder: place.installFolder, configFile: place.layout.configFile };
  if (!config?.registration || !config.vault) {
    return { ...where, config: config && publicConfig(config), state: deriveRegistrationState({ now }) };
  }
  const registration = { vaultName: config.vault.name, serverName: config.serverName };
  if (!askVault) return { ...where, config: publicConfig(config), state: deriveRegistrationState({ registration, now }) };
  let remote: RemoteStatus;
  try {
    // The backend knows who may ask (the local vault: the server, with the machine's certificate that never leaves it).
    const machine = { layout: place.layout, vault: await ctx.backend.access.endpoint(config.vault.endpoint) };
    remote = { ok: true, registration: await ctx.backend.readMachine(ctx.agent, machine, signal) };
  } catch (err) {
    if (err instanceof CancelledError || !(err instanceof SetupError)) throw err;
    remote = { ok: false, error: err.toJSON() };
  }
  return { ...where, config: publicConfig(config), state: deriveRegistrationState({ registration, health: healthOf(remote), now }), remote };
}

/** An ended registration reads as revoked; a vault that cannot be reached, or fails, as unreachable. */
function healthOf(remote: RemoteStatus): StateInputs['health'] {
  if (remote.ok) return remote.registration.status === 'registered' ? 'ok' : 'revoked';
  const { code, params } = remote.error;
  if (code === 'RegistrationNotFound') return 'revoked';
  if (isNetworkCode(code) || Number(params.httpStatus) >= 500) return 'unreachable';
  return undefined;
}

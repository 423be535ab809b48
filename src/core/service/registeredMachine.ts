/**
 * A registered machine's way back to its vault: the configuration's endpoint and proxy, the
 * stored machine certificate as the TLS identity, and the vault's CA it received.
 */
import type { AgentConfig } from '../config/agentConfig';
import type { ClientCertificate } from '../credentials/model';
import { SetupError } from '../errors';
import type { ProxySettings } from '../proxy/settings';
import { readMachineCertificate } from '../registration/machineCertificate';
import type { VaultClient } from '../registration/vaultClient';
import { proxySettingsFromConfig } from './agentProxy';
import type { InstallPlace, ServiceContext } from './context';
import type { VaultRoute } from './vaultAccess';
import { nextStep } from '../registration/errors';

export interface RegisteredMachine {
  registrationId: string;
  vaultName: string;
  identity: ClientCertificate;
  route: VaultRoute;
  client: VaultClient;
}

/** Registered configurations only; `proxy` overrides the stored proxy (a change being made). */
export async function registeredMachine(ctx: ServiceContext, place: InstallPlace, config: AgentConfig, proxy?: ProxySettings): Promise<RegisteredMachine> {
  if (!config.registration || !config.vault) {
    throw new SetupError('AgentNotRegistered', `This server is not registered with a vault (${place.installFolder}).`, {
      installFolder: place.installFolder,
      ...nextStep('register'),
    });
  }
  const stored = await readMachineCertificate(ctx.target, place.layout);
  const settings = proxy ?? (await proxySettingsFromConfig(ctx.target, config.proxy));
  const route = await ctx.access.route(settings, config.vault.endpoint, stored.vaultCaPem);
  return { registrationId: config.registration.id, vaultName: config.vault.name, identity: stored.identity, route, client: ctx.access.client(route) };
}

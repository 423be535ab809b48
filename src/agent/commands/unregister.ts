/**
 * Ends this server's registration: at the vault first (idempotent there), then in the
 * configuration (the machine id stays, so registering again later is the same machine), then the
 * key and certificate, which authenticate nothing any more. A re-run after a failure finishes it.
 */
import { removeMachineCertificate } from '../../core/registration/machineCertificate';
import type { VaultWay } from '../../core/agents/reference/protocol';
import { describeProxy } from '../../core/proxy/resolve';
import { saveConfig } from '../../core/service/configuration';
import { deriveRegistrationState } from '../../core/status';
import { withConfig, type AgentPlace, type StageOut } from '../context';
import { withInstallLock } from '../lock';
import { registeredWay } from '../vaultRoute';

/** This server's state afterwards, in the setup's state model (core/status.ts), as `status` says it. */
const NOT_SET_UP = deriveRegistrationState({ now: new Date() }).kind;

export async function unregister(place: AgentPlace, request: { way: VaultWay }, stage: StageOut): Promise<Record<string, unknown>> {
  return withInstallLock(place.target, place.layout.configDir, async () => {
    const { target, layout, config } = await withConfig(place);
    if (!config.registration) {
      stage('removeMachineCertificate');
      await removeMachineCertificate(target, layout);
      return { state: NOT_SET_UP, alreadyUnregistered: true };
    }
    stage('unregisterAtVault');
    const way = await registeredWay(target, layout, config, request.way);
    const remote = await way.client.unregister(way.identity, way.registrationId);

    stage('writeConfiguration');
    await saveConfig(target, layout, { ...config, registration: null, updatedAt: new Date().toISOString() });

    stage('removeMachineCertificate');
    await removeMachineCertificate(target, layout);
    return {
      state: NOT_SET_UP,
      vaultState: remote.status,
      registrationId: way.registrationId,
      vault: remote.vault,
      via: way.route.proxy.proxy ? describeProxy(way.route.proxy.proxy) : 'direct',
      alreadyUnregistered: false,
      remote,
    };
  });
}

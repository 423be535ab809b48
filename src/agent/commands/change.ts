/**
 * Changes a registered install's proxy (checked against the vault from this server first), its
 * cache folder (checked by the admin beforehand) and its passphrase (which the vault approves
 * with a security PIN, presenting the machine certificate kept here). Everything is checked
 * before anything changes; the configuration is written once, last.
 */
import { publicConfig } from '../../core/config/agentConfig';
import type { ChangeRequest } from '../../core/agents/reference/protocol';
import { Secret } from '../../core/secret';
import { agentProxyPlan, dropUnusedProxyPassword, proxySettingsWith, storeProxyPassword } from '../../core/service/agentProxy';
import { saveConfig } from '../../core/service/configuration';
import { newPassphraseRecord } from '../../core/service/passphrase';
import { withConfig, type AgentPlace, type StageOut } from '../context';
import { withInstallLock } from '../lock';
import { checkFromServer, registeredWay } from '../vaultRoute';

export async function change(place: AgentPlace, request: ChangeRequest, stage: StageOut): Promise<Record<string, unknown>> {
  return withInstallLock(place.target, place.layout.configDir, async () => {
    const { target, layout, config } = await withConfig(place);
    const now = () => new Date();
    const proxy = request.proxy && agentProxyPlan(request.proxy, request.proxyPassword !== undefined ? new Secret(request.proxyPassword) : undefined);
    const settings = proxy && proxySettingsWith(proxy.proxy, proxy.password);
    // A passphrase change needs a registration (registeredWay refuses otherwise) and presents its certificate.
    const way = config.registration || request.passphrase ? await registeredWay(target, layout, config, request.way, settings) : undefined;

    if (proxy && way) {
      stage('checkConnectivity');
      await checkFromServer(way.access, way.route, now);
    }
    let passphrase = config.passphrase;
    if (request.passphrase && way) {
      stage('changePassphrase');
      await way.client.changePassphrase(way.identity, way.registrationId, new Secret(request.passphrase.securityPin));
      passphrase = await newPassphraseRecord(new Secret(request.passphrase.newValue), now());
    }

    stage('writeConfiguration');
    if (proxy) await storeProxyPassword(target, proxy);
    const updated = { ...config, proxy: proxy?.proxy ?? config.proxy, cacheFolder: request.cacheFolder ?? config.cacheFolder, passphrase, updatedAt: now().toISOString() };
    await saveConfig(target, layout, updated);
    await dropUnusedProxyPassword(target, layout, updated.proxy);
    return { config: publicConfig(updated) };
  });
}

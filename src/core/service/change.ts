/**
 * Changing a set-up agent: its proxy (checked against the vault first), its cache folder
 * (checked like at setup), its passphrase (which the vault must approve with a security PIN).
 * Everything is checked before anything changes; the configuration is written once, last.
 */
import { publicConfig } from '../config/agentConfig';
import { cacheFolderError } from '../cache/checkFolder';
import { SetupError } from '../errors';
import { agentProxyFor, dropUnusedProxyPassword, storeProxyPassword, type AgentProxyPlan } from './agentProxy';
import { checkCacheOnTarget } from './cacheOnTarget';
import { saveConfig } from './configuration';
import { installPlace, requireConfig, stage, type ServiceContext } from './context';
import { checkPassphraseRules, confirmLocation, ensurePassphraseFile, existingPassphraseFile, newPassphraseRecord, passphraseLocationWarnings } from './passphrase';
import { registeredMachine } from './registeredMachine';
import type { ChangeInput, ChangeOptions, ChangeResult, ChangeStage } from './types';

export async function runChange(ctx: ServiceContext, input: ChangeInput, options: ChangeOptions = {}): Promise<ChangeResult> {
  const { signal, onProgress } = options;
  const enter = (name: ChangeStage) => stage(onProgress, signal, name);
  const { target } = ctx;
  const place = await installPlace(ctx, options.installFolder, signal);
  const config = await requireConfig(ctx, place);
  if (!input.proxy && !input.cacheFolder && !input.passphrase) {
    throw new SetupError('NothingToChange', 'Nothing to change was given.', {});
  }

  const { passphrase } = input;
  if (passphrase) {
    checkPassphraseRules(passphrase.newValue);
    if (passphrase.passphraseFile) await existingPassphraseFile(passphrase.passphraseFile, passphrase.newValue);
    const warnings = await passphraseLocationWarnings(passphrase.passphraseFile, target, { installFolder: place.installFolder, cacheFolder: config.cacheFolder });
    await confirmLocation(warnings, options.confirmPassphraseLocation);
  }
  // A passphrase change needs a registration (registeredMachine refuses otherwise) and presents its certificate.
  const machine = config.registration || passphrase ? await registeredMachine(ctx, place, config, input.proxy) : undefined;

  let proxy: AgentProxyPlan | undefined;
  if (input.proxy) {
    if (machine) {
      enter('checkConnectivity');
      const { problem } = await ctx.access.checkConnectivity(machine.route, signal);
      if (problem) throw problem;
    }
    proxy = agentProxyFor(input.proxy, place.layout, ctx.proxyContext);
  }

  let cacheFolder = config.cacheFolder;
  if (input.cacheFolder) {
    enter('checkCache');
    const report = await checkCacheOnTarget(target, input.cacheFolder, input, { signal });
    const problem = cacheFolderError(report);
    if (problem) throw problem;
    cacheFolder = report.folder;
  }

  let passphraseRecord = config.passphrase;
  let passphraseFile: string | undefined;
  if (passphrase && machine) {
    enter('changePassphrase');
    await machine.client.changePassphrase(machine.identity, machine.registrationId, passphrase.securityPin, signal);
    ctx.logger.info(`The vault accepted the passphrase change for registration ${machine.registrationId}.`);
    passphraseRecord = await newPassphraseRecord(passphrase.newValue, ctx.now());
    if (passphrase.passphraseFile) {
      enter('savePassphrase');
      passphraseFile = await ensurePassphraseFile({
        file: passphrase.passphraseFile,
        passphrase: passphrase.newValue,
        vaultName: machine.vaultName,
        serverName: config.serverName,
        now: ctx.now(),
      });
    }
  }

  enter('writeConfiguration');
  if (proxy) await storeProxyPassword(target, proxy);
  const updated = { ...config, proxy: proxy?.proxy ?? config.proxy, cacheFolder, passphrase: passphraseRecord, updatedAt: ctx.now().toISOString() };
  await saveConfig(target, place.layout, updated);
  await dropUnusedProxyPassword(target, place.layout, updated.proxy);
  const changed: ChangeResult['changed'] = [];
  if (input.proxy) changed.push('proxy');
  if (input.cacheFolder) changed.push('cacheFolder');
  if (passphrase) changed.push('passphrase');
  return { changed, config: publicConfig(updated), ...(passphraseFile ? { passphraseFile } : {}) };
}

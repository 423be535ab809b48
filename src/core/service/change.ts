/**
 * Changing a set-up agent: its proxy (checked against the vault from the server first), its
 * cache folder (checked like at setup), its passphrase (which the vault must approve with a
 * security PIN, presented with the machine's certificate on the server; the vault makes the PIN
 * through the backend when the admin typed none). Everything is checked
 * before anything changes; the agent writes its configuration once, last.
 */
import { cacheFolderError } from '../cache/checkFolder';
import { SetupError } from '../errors';
import { nextStep } from '../registration/errors';
import { agentProxyFor } from './agentProxy';
import { checkCacheOnTarget } from './cacheOnTarget';
import { installPlace, requireConfig, stage, type ServiceContext } from './context';
import { checkPassphraseRules, requireLocationConfirmed, ensurePassphraseFile, existingPassphraseFile, passphraseLocationWarnings } from './passphrase';
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
    if (!config.registration) {
      throw new SetupError('AgentNotRegistered', `This server is not registered with a vault (${place.installFolder}).`, {
        installFolder: place.installFolder,
        ...nextStep('register'),
      });
    }
    checkPassphraseRules(passphrase.newValue);
    if (passphrase.passphraseFile) await existingPassphraseFile(passphrase.passphraseFile, passphrase.newValue);
    const warnings = await passphraseLocationWarnings(passphrase.passphraseFile, target, { installFolder: place.installFolder, cacheFolder: config.cacheFolder });
    await requireLocationConfirmed(warnings, options.confirmPassphraseLocation);
  }
  const proxy = input.proxy && agentProxyFor(input.proxy, place.layout, ctx.proxyContext);

  let cacheFolder: string | undefined;
  if (input.cacheFolder) {
    enter('checkCache');
    const report = await checkCacheOnTarget(target, input.cacheFolder, input, { signal });
    const problem = cacheFolderError(report);
    if (problem) throw problem;
    cacheFolder = report.folder;
  }

  const vault = config.vault ? await ctx.backend.access.endpoint(config.vault.endpoint) : undefined;
  // Asked for last, as it lives 5 minutes.
  const securityPin = passphrase && (passphrase.securityPin ?? (await ctx.backend.securityPin(config.vault?.name ?? '', signal)).pin);
  const written = await ctx.agent.change(
    place.layout,
    {
      ...(proxy ? { proxy } : {}),
      ...(cacheFolder ? { cacheFolder } : {}),
      ...(passphrase && securityPin ? { passphrase: { securityPin, newValue: passphrase.newValue } } : {}),
    },
    vault,
    { signal, onStage: (name) => onProgress?.(name) },
  );
  if (passphrase) ctx.logger.info(`The vault accepted the passphrase change for registration ${config.registration?.id}.`);

  let passphraseFile: string | undefined;
  if (passphrase?.passphraseFile) {
    enter('savePassphrase');
    passphraseFile = await ensurePassphraseFile({
      file: passphrase.passphraseFile,
      passphrase: passphrase.newValue,
      vaultName: config.vault?.name ?? '',
      serverName: config.serverName,
      now: ctx.now(),
    });
  }
  const changed: ChangeResult['changed'] = [];
  if (input.proxy) changed.push('proxy');
  if (input.cacheFolder) changed.push('cacheFolder');
  if (passphrase) changed.push('passphrase');
  return { changed, config: written, ...(passphraseFile ? { passphraseFile } : {}) };
}

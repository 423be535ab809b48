/**
 * The whole setup, stage by stage (REGISTER_STAGES): checked and installed from here, registered
 * by the agent on the server (AgentDriver.register). Each stage either leaves what an earlier run
 * left or completes it, so running the setup again after a failure anywhere, including after the
 * vault registered the machine but the answer or a local write was lost, finishes the job with
 * the same registration: the machine id is on disk before the first request, the vault answers a
 * known machine id with its existing registration, and the configuration is written last.
 */
import { cacheFolderError } from '../cache/checkFolder';
import { writeInstallRecord } from '../config/installRecord';
import { resolveProxy } from '../proxy/resolve';
import { checkCacheOnTarget } from './cacheOnTarget';
import { stage, type ServiceContext } from './context';
import { requireLocationConfirmed, ensurePassphraseFile } from './passphrase';
import { prepareSetup } from './prepare';
import type { RegisterOptions, RegisterResult, RegisterStage, SetupInput } from './types';

export async function runRegistration(ctx: ServiceContext, input: SetupInput, options: RegisterOptions = {}): Promise<RegisterResult> {
  const { signal, onProgress } = options;
  const { target, logger } = ctx;
  const enter = (name: RegisterStage, detail?: Parameters<typeof stage>[3]) => {
    stage(onProgress, signal, name, detail);
    logger.info(`Setup stage: ${name}.`);
  };

  enter('validateCredentials');
  const prepared = await prepareSetup(ctx, input, signal);
  const { credentials, layout, route } = prepared;
  await requireLocationConfirmed(prepared.locationWarnings, options.confirmPassphraseLocation);
  logger.info(`Credentials for vault ${credentials.vaultName} (endpoint ${credentials.endpoint}), valid until ${credentials.expiresAt.toISOString()}.`);

  // A remote server's agent checks the vault from the server as it registers (what matters is
  // that the server reaches it, with its clock): a check from here first would be a second TLS
  // connection per server that proves nothing about the server. Kept where it is the only check
  // (an agent without one, MARS) and on this machine, where it comes before anything changes.
  if (target.isLocal || !(await ctx.agent.checksVaultOnRegister(signal))) {
    enter('checkConnectivity');
    const { problem } = await ctx.backend.access.checkConnectivity(route, signal);
    if (problem) throw problem;
  }

  enter('checkCache', { folder: prepared.cacheFolder });
  const cache = await checkCacheOnTarget(target, prepared.cacheFolder, input, { signal, onProgress: (d) => onProgress?.('checkCache', d) });
  const cacheProblem = cacheFolderError(cache);
  if (cacheProblem) throw cacheProblem;

  enter('checkPrerequisites');
  const prerequisites = await ctx.agent.requirePrerequisites(signal);

  enter('installAgent', { agentDir: layout.agentDir });
  await ctx.agent.install(route, layout, { signal, prerequisites, agentLinks: credentials.agentLinks, proxyFor: (url) => resolveProxy(input.proxy, url, ctx.proxyContext), onProgress: (d) => onProgress?.('installAgent', d) });

  enter('savePassphrase');
  const passphraseFile =
    prepared.passphraseFile &&
    (await ensurePassphraseFile({
      file: prepared.passphraseFile.file,
      passphrase: input.passphrase.value,
      vaultName: credentials.vaultName,
      serverName: prepared.serverName,
      now: ctx.now(),
    }));

  // From here on the agent works on the server itself: its checks, its key, the vault call.
  const registered = await ctx.agent.register(
    layout,
    {
      credentialsFile: input.credentialsFile,
      serverName: prepared.serverName,
      cacheFolder: cache.folder,
      proxy: prepared.agentProxy.proxy,
      ...(prepared.agentProxy.password ? { proxyPassword: prepared.agentProxy.password } : {}),
      // The configured passphrase stays when it is the same one (its verifier is not made again).
      ...(prepared.passphraseUnchanged && prepared.config?.passphrase ? {} : { passphrase: input.passphrase.value }),
      ...(prepared.machineId ? { machineId: prepared.machineId } : {}),
    },
    route,
    {
      signal,
      onStage: (name) => {
        onProgress?.(name);
        logger.info(`Setup stage: ${name} (on ${target.label}).`);
      },
    },
  );
  logger.info(`${registered.created ? 'Registered' : 'Registered again'} with vault ${credentials.vaultName}: registration ${registered.registrationId}.`);
  logger.info(`Wrote the agent configuration ${layout.configFile}.`);
  // Only now: a record naming a folder whose registration failed would mislead status and unregister.
  await writeInstallRecord(target, prepared.recordFile, prepared.installFolder, ctx.now());
  logger.info(`Recorded the install folder in ${prepared.recordFile}.`);

  return {
    registrationId: registered.registrationId,
    machineId: registered.machineId,
    created: registered.created,
    serverName: prepared.serverName,
    vault: prepared.summary,
    installFolder: prepared.installFolder,
    cacheFolder: cache.folder,
    configFile: layout.configFile,
    agentVersion: registered.agentVersion,
    ...(passphraseFile ? { passphraseFile } : {}),
    warnings: prepared.warnings,
  };
}

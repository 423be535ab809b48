/**
 * The whole setup, stage by stage (REGISTER_STAGES). Each stage either leaves what an earlier run
 * left or completes it, so running the setup again after a failure anywhere, including after the
 * vault registered the machine but the answer or a local write was lost, finishes the job with
 * the same registration: the machine id is on disk before the first request, the vault answers a
 * known machine id with its existing registration, and the configuration is written last.
 */
import { cacheFolderError } from '../cache/checkFolder';
import { createMachineCsr } from '../registration/csr';
import { writeMachineCertificate } from '../registration/machineCertificate';
import { ensureMachineIdentity } from '../registration/machineIdentity';
import type { Target } from '../target/target';
import { dropUnusedProxyPassword, storeProxyPassword } from './agentProxy';
import { ensureAgent, requirePrerequisites } from './agentInstall';
import { checkCacheOnTarget } from './cacheOnTarget';
import { registeredConfig, saveConfig } from './configuration';
import { stage, type ServiceContext } from './context';
import { confirmLocation, ensurePassphraseFile, newPassphraseRecord } from './passphrase';
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
  await confirmLocation(prepared.locationWarnings, options.confirmPassphraseLocation);
  logger.info(`Credentials for vault ${credentials.vaultName} (endpoint ${credentials.endpoint}), valid until ${credentials.expiresAt.toISOString()}.`);

  enter('checkConnectivity');
  const { problem } = await ctx.access.checkConnectivity(route, signal);
  if (problem) throw problem;

  enter('checkCache', { folder: prepared.cacheFolder });
  const cache = await checkCacheOnTarget(target, prepared.cacheFolder, input, { signal, onProgress: (d) => onProgress?.('checkCache', d) });
  const cacheProblem = cacheFolderError(cache);
  if (cacheProblem) throw cacheProblem;

  enter('checkPrerequisites');
  const prerequisites = await requirePrerequisites(ctx, signal);

  enter('installAgent', { agentDir: layout.agentDir });
  const agent = await ensureAgent(ctx, route, layout, { signal, prerequisites, onProgress: (d) => onProgress?.('installAgent', d) });

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
  const passphrase = prepared.passphraseUnchanged && prepared.config?.passphrase ? prepared.config.passphrase : await newPassphraseRecord(input.passphrase.value, ctx.now());

  enter('machineIdentity');
  const identity = await ensureMachineIdentity(target, layout, logger, prepared.machineId);
  const csr = createMachineCsr(identity.key, identity.machineId);

  enter('registerWithVault', { machineId: identity.machineId });
  const grant = await ctx.access.client(route).register(
    credentials.clientCertificate,
    { serverName: prepared.serverName, machineId: identity.machineId, os: await osFacts(target, signal), agentVersion: agent.version, csr },
    signal,
  );
  logger.info(`${grant.created ? 'Registered' : 'Registered again'} with vault ${credentials.vaultName}: registration ${grant.registrationId}.`);

  enter('writeCertificates');
  const machineCert = await writeMachineCertificate(target, layout, grant.machineCertificate, grant.caCertificate);

  enter('writeConfiguration');
  await storeProxyPassword(target, prepared.agentProxy);
  const config = registeredConfig({
    machineId: identity.machineId,
    serverName: prepared.serverName,
    agentVersion: agent.version,
    installFolder: prepared.installFolder,
    cacheFolder: cache.folder,
    proxy: prepared.agentProxy.proxy,
    credentials,
    registration: { id: grant.registrationId, registeredAt: grant.registeredAt, machineCertificateNotAfter: machineCert.notAfter },
    passphrase,
    now: ctx.now(),
  });
  await saveConfig(target, layout, config);
  await dropUnusedProxyPassword(target, layout, config.proxy);
  logger.info(`Wrote the agent configuration ${layout.configFile}.`);

  return {
    registrationId: grant.registrationId,
    machineId: identity.machineId,
    created: grant.created,
    serverName: prepared.serverName,
    vault: prepared.summary,
    installFolder: prepared.installFolder,
    cacheFolder: cache.folder,
    configFile: layout.configFile,
    agentVersion: agent.version,
    ...(passphraseFile ? { passphraseFile } : {}),
    warnings: prepared.warnings,
  };
}

/** The OS as the vault records it (1 to 100 characters each). */
async function osFacts(target: Target, signal?: AbortSignal): Promise<{ name: string; version: string }> {
  const facts = await target.facts(signal);
  const field = (value: string, fallback: string) => (value.trim() || fallback).slice(0, 100);
  return { name: field(facts.osName, facts.platform), version: field(facts.osVersion, 'unknown') };
}

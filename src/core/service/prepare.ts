/**
 * Everything a setup decides before it changes anything, shared by plan() (which stops here) and
 * register() (which carries on): the credentials, the folders, the proxy the agent gets, what the
 * target already holds, the refusals that must come before any change, and the warnings.
 */
import { serverNameFor } from './serverName';
import path from 'node:path';
import { cacheFolderNotAbsolute } from '../cache/checkFolder';
import { readAgentConfig, type AgentConfig } from '../config/agentConfig';
import { inspectCredentialsFile } from '../credentials/inspect';
import type { VaultCredentials } from '../credentials/model';
import { SetupError } from '../errors';
import type { PassphraseLocationWarning } from '../passphrase/location';
import { nextStep, withNextStep } from '../registration/errors';
import { readMachineId } from '../registration/machineIdentity';
import { agentProxyFor, type AgentProxyPlan } from './agentProxy';
import { installPlace, type InstallPlace, type ServiceContext } from './context';
import { checkPassphraseRules, existingPassphraseFile, isSamePassphrase, passphraseLocationWarnings } from './passphrase';
import type { CredentialsSummary, SetupInput, SetupWarning } from './types';
import type { VaultRoute } from './vaultAccess';
import { requireUsable, type VaultChoice } from '../vault/choose';

/** Credentials this close to expiry are flagged: a setup that stalls may outlive them. */
export const EXPIRY_WARNING_MS = 60 * 60_000;

export interface PreparedSetup extends InstallPlace {
  credentials: VaultCredentials;
  /** The file's vault service and the agent the server gets. */
  choice: VaultChoice;
  summary: CredentialsSummary;
  cacheFolder: string;
  serverName: string;
  config?: AgentConfig;
  /** The id already on the target (file, else configuration). */
  machineId?: string;
  /** The configuration records a registration with this same vault. */
  registeredHere: boolean;
  /** The configuration's passphrase verifier matches the given passphrase. */
  passphraseUnchanged: boolean;
  agentProxy: AgentProxyPlan;
  route: VaultRoute;
  /** Absolute, on the admin machine, with whether this passphrase is already saved there. */
  passphraseFile?: { file: string; state: 'absent' | 'same' };
  locationWarnings: PassphraseLocationWarning[];
  warnings: SetupWarning[];
}

export async function prepareSetup(ctx: ServiceContext, input: SetupInput, signal?: AbortSignal): Promise<PreparedSetup> {
  const { target } = ctx;
  const { credentials, choice } = await inspectForTarget(ctx, input.credentialsFile, signal);
  const warnings = checkPassphraseRules(input.passphrase.value);
  const place = await installPlace(ctx, input.installFolder, signal);
  const cacheFolder = input.cacheFolder ?? place.defaultCacheFolder;
  // Refused here, so that a plan (--dry-run, the wizard's summary) says so before anything changes.
  const notAbsolute = cacheFolderNotAbsolute(target, cacheFolder);
  if (notAbsolute) throw notAbsolute;
  const serverName = await serverNameFor(target, input.serverName, signal);
  const config = await readAgentConfig(target, place.layout);
  const machineId = (await readMachineId(target, place.layout)) ?? config?.machineId;

  const registeredHere = Boolean(config?.registration && config.vault && sameVault(config.vault, credentials));
  if (config?.registration && config.vault && !registeredHere) {
    // The vault would refuse too (100110), but only after the install: refuse before anything changes.
    throw withNextStep(new SetupError('100110', '', { vault: config.vault.name, registrationId: config.registration.id }));
  }
  const passphraseUnchanged = config?.passphrase ? await isSamePassphrase(config.passphrase, input.passphrase.value) : false;
  if (registeredHere && config?.passphrase && !passphraseUnchanged) {
    throw new SetupError('PassphraseMismatch', 'This server is registered with a different passphrase. Change it with a security PIN from the vault instead.', {
      ...nextStep('changePassphraseWithSecurityPin'),
    });
  }

  if (credentials.timeLeftMs < EXPIRY_WARNING_MS) {
    warnings.push({ code: 'CredentialsExpireSoon', params: { expiresAt: credentials.expiresAt.toISOString(), minutesLeft: Math.floor(credentials.timeLeftMs / 60_000) } });
  }
  if (registeredHere) {
    warnings.push({ code: 'AlreadyRegistered', params: { vault: credentials.vaultName, registrationId: config!.registration!.id, keepsRegistrationId: true } });
  }
  const passphrasePath = input.passphraseFile && path.resolve(input.passphraseFile);
  const passphraseFile = passphrasePath ? { file: passphrasePath, state: await existingPassphraseFile(passphrasePath, input.passphrase.value) } : undefined;
  if (!passphraseFile) warnings.push({ code: 'PassphraseNotSaved', params: {} });
  const locationWarnings = await passphraseLocationWarnings(passphrasePath, target, { installFolder: place.installFolder, cacheFolder });
  warnings.push(...locationWarnings);

  return {
    ...place,
    credentials,
    choice,
    summary: summarise(credentials),
    cacheFolder,
    serverName,
    config,
    machineId,
    registeredHere,
    passphraseUnchanged,
    agentProxy: agentProxyFor(input.proxy, place.layout, ctx.proxyContext),
    route: await ctx.backend.access.route(input.proxy, credentials.endpoint),
    passphraseFile,
    locationWarnings,
    warnings,
  };
}

/** A validated credentials file (expiry judged at `now`); its refusals name their next step. */
export async function inspectCredentials(file: string, now: Date, signal?: AbortSignal): Promise<VaultCredentials> {
  try {
    return await inspectCredentialsFile(file, { now, signal });
  } catch (err) {
    throw withNextStep(err);
  }
}

/**
 * The first step: the file read and validated, then its vault service and agent chosen and
 * refused unless this target's operating system runs that agent and this setup has that backend.
 */
export async function inspectForTarget(ctx: ServiceContext, file: string, signal?: AbortSignal): Promise<{ credentials: VaultCredentials; choice: VaultChoice }> {
  const credentials = await inspectCredentials(file, ctx.now(), signal);
  const choice = requireUsable(credentials, { facts: await ctx.target.facts(signal), label: ctx.target.label }, ctx.backend.kind, { armEndpoint: ctx.armEndpoint });
  return { credentials, choice };
}

/** The configuration's vault is the one the credentials file is for. */
export function sameVault(vault: NonNullable<AgentConfig['vault']>, credentials: VaultCredentials): boolean {
  return vault.subscriptionId === credentials.subscriptionId && vault.resourceId === credentials.resourceId;
}

export function summarise(c: VaultCredentials): CredentialsSummary {
  return {
    fileName: c.fileName,
    vaultName: c.vaultName,
    subscriptionId: c.subscriptionId,
    resourceGroup: c.resourceGroup,
    location: c.location,
    resourceId: c.resourceId,
    endpoint: c.endpoint,
    expiresAt: c.expiresAt.toISOString(),
    timeLeftMs: c.timeLeftMs,
  };
}

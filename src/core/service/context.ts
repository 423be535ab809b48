import { readAgentConfig, type AgentConfig } from '../config/agentConfig';
import { readInstallRecord } from '../config/installRecord';
import { agentLayout, defaultFolders, installRecordFile, type AgentLayout } from '../config/layout';
import { SetupError, throwIfAborted, type ErrorParams } from '../errors';
import type { Logger } from '../log';
import type { ProxyContext } from '../proxy/resolve';
import { isAbsoluteOn, pathOf } from '../target/paths';
import type { Target } from '../target/target';
import type { ChosenAgentDriver } from '../agents/choose';
import type { ProgressHandler } from './types';
import type { VaultBackend } from '../vault/backend';
import { nextStep } from '../registration/errors';

/** What every operation of the service works with. */
export interface ServiceContext {
  target: Target;
  logger: Logger;
  now: () => Date;
  /** The vault service, and the way to it. */
  backend: VaultBackend;
  /** Everything only the agent does, on the target: the driver the core chose for it. */
  agent: ChosenAgentDriver;
  proxyContext?: ProxyContext;
  downloadCacheDir: string;
  /** The configured Resource Manager endpoint, which chooses a file's backend with it (vault/choose.ts). */
  armEndpoint?: string;
}

export interface InstallPlace {
  installFolder: string;
  layout: AgentLayout;
  /** The cache folder used when none is chosen: the platform default's name, inside the install folder. */
  defaultCacheFolder: string;
  /** Where a registration records the install folder on the target (config/installRecord.ts). */
  recordFile: string;
}

/**
 * The install folder and its layout: the given folder, else the one the install record names,
 * else the platform default. A record that cannot be read or used is refused rather than passed
 * by: the default could be another install, or none, and the answer would be wrong.
 */
export async function installPlace(ctx: ServiceContext, installFolder: string | undefined, signal?: AbortSignal): Promise<InstallPlace> {
  const p = pathOf(ctx.target);
  const facts = await ctx.target.facts(signal);
  const defaults = defaultFolders(facts);
  const recordFile = installRecordFile(facts);
  const folder = installFolder ?? (await readInstallRecord(ctx.target, recordFile)) ?? defaults.installFolder;
  if (!isAbsoluteOn(ctx.target, folder)) {
    throw new SetupError('InstallFolderNotAbsolute', `The install folder must be an absolute path on ${ctx.target.label}: ${folder}`, {
      folder,
      ...nextStep('chooseInstallFolder'),
    });
  }
  const normalised = p.normalize(folder);
  return { installFolder: normalised, layout: agentLayout(ctx.target, normalised), defaultCacheFolder: p.join(normalised, p.basename(defaults.cacheFolder)), recordFile };
}

/** The configuration, which operations after registering need. */
export async function requireConfig(ctx: ServiceContext, place: InstallPlace): Promise<AgentConfig> {
  const config = await readAgentConfig(ctx.target, place.layout);
  if (!config) {
    throw new SetupError('AgentNotConfigured', `There is no agent configuration in ${place.installFolder} on ${ctx.target.label}. Set the agent up first.`, {
      installFolder: place.installFolder,
      ...nextStep('register'),
    });
  }
  return config;
}

/**
 * Enters a stage. A cancellation between stages takes effect here, including one the progress
 * handler itself makes on hearing of the stage: the stage then does nothing at all.
 */
export function stage(onProgress: ProgressHandler | undefined, signal: AbortSignal | undefined, name: string, detail?: ErrorParams): void {
  throwIfAborted(signal);
  onProgress?.(name, detail);
  throwIfAborted(signal);
}

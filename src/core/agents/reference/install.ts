/**
 * The agent on the target: its prerequisites, and the package downloaded on the admin side
 * (through the effective proxy) and installed through the target. An agent of the same version
 * already in place is kept, so a re-run does not reinstall it.
 */
import type { AgentLayout } from '../../config/layout';
import type { ErrorParams } from '../../errors';
import { checkPrerequisites, downloadAgent, installAgent, missingPrerequisitesError, type PrerequisiteReport, type RunPackages } from '../../install';
import type { Logger } from '../../log';
import { nextStep } from '../../registration/errors';
import { readTargetText } from '../../target/files';
import type { VaultNetworkOptions } from '../../registration/vaultClient';
import type { VaultAccess, VaultRoute } from '../../service/vaultAccess';
import { pathOf } from '../../target/paths';
import type { Target } from '../../target/target';
import type { AgentOnTarget } from '../driver';

/** What installing needs: the target, and this side's way to download the package. */
export interface InstallHost {
  target: Target;
  logger: Logger;
  access: VaultAccess;
  downloadCacheDir: string;
  /** Time-outs and retries towards the vault, which the agent keeps to as well. */
  network?: VaultNetworkOptions;
  /** The run's shared package answers (a fleet's), when this setup is part of one. */
  packages?: RunPackages;
}

/** The prerequisites, refused as a SetupError when one is missing. */
export async function requirePrerequisites(target: Target, signal?: AbortSignal): Promise<PrerequisiteReport> {
  const report = await checkPrerequisites(target, { signal });
  const refusal = missingPrerequisitesError(target, report, nextStep('installPrerequisites'));
  if (refusal) throw refusal;
  return report;
}

export async function ensureAgent(
  ctx: InstallHost,
  route: VaultRoute,
  layout: AgentLayout,
  options: { signal?: AbortSignal; onProgress?: (detail: ErrorParams) => void; prerequisites?: PrerequisiteReport } = {},
): Promise<AgentOnTarget> {
  const { signal, onProgress } = options;
  const dispatcher = await ctx.access.downloadDispatcher(route);
  let downloaded;
  try {
    downloaded = await downloadAgent({
      endpoint: route.endpoint,
      dispatcher,
      cacheDir: ctx.downloadCacheDir,
      signal,
      ...(ctx.packages ? { run: ctx.packages } : {}),
      onProgress: (p) => onProgress?.({ phase: 'downloading', receivedBytes: p.receivedBytes, totalBytes: p.totalBytes }),
    });
  } catch (err) {
    throw await ctx.access.explain(err, route, signal);
  } finally {
    await dispatcher.destroy();
  }
  if ((await installedVersion(ctx, layout)) === downloaded.version) {
    ctx.logger.info(`Agent ${downloaded.version} is already installed in ${layout.agentDir}.`);
    return { version: downloaded.version, agentDir: layout.agentDir, installed: false };
  }
  const result = await installAgent({
    target: ctx.target,
    layout,
    packageFile: downloaded.file,
    prerequisites: options.prerequisites,
    signal,
    onProgress: (p) => onProgress?.({ ...p }),
  });
  ctx.logger.info(`Installed agent ${result.version} in ${result.agentDir}.`);
  return { ...result, installed: true };
}

/** The version in the installed agent's package.json, if there is a readable one. */
async function installedVersion(ctx: InstallHost, layout: AgentLayout): Promise<string | undefined> {
  try {
    const text = await readTargetText(ctx.target, pathOf(ctx.target).join(layout.agentDir, 'package.json'));
    const version: unknown = text && JSON.parse(text).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

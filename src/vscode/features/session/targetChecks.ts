/**
 * The session's checks on the target, as the core runs them and a surface shows them: the cache
 * folder (the core's default when none is chosen) and connectivity to the vault. Each returns a
 * Checked value; keeping the result is the session's.
 */
import type { SetupService } from '../../../core/service';
import { checked } from './checked';
import type { Checked, CheckedCacheFolder, SessionSnapshot } from './types';

/** Empty `folder`: the core's default inside the install folder is checked and named in the result. */
export function checkCacheFolder(
  service: SetupService,
  folder: string,
  data: { dataSizeBytes?: number; dataFolders?: string[] },
  options: { installFolder?: string; signal?: AbortSignal },
): Promise<Checked<CheckedCacheFolder>> {
  const { installFolder, signal } = options;
  const usesDefault = !folder.trim();
  return checked(async () => {
    const checking = usesDefault ? (await service.installPlace({ installFolder, signal })).defaultCacheFolder : folder;
    const report = await service.checkCache(checking, data, { signal });
    if (report.problem) throw report.problem;
    return { folder: report.folder, usesDefault, requiredBytes: report.requiredBytes, availableBytes: report.availableBytes ?? 0 };
  });
}

/** The vault the credentials file names, reached as the agent would (from the target once it has an agent), stage by stage. */
export async function checkConnectivity(
  service: SetupService,
  where: Parameters<SetupService['checkConnectivity']>[0],
  options: { installFolder?: string; signal?: AbortSignal },
): Promise<NonNullable<SessionSnapshot['connectivity']>> {
  return checked(async () => {
    const report = await service.checkConnectivity(where, options);
    const stages = report.stages.map((s) => ({ name: s.stage, status: s.status, durationMs: s.durationMs, ...(s.status === 'failed' ? { code: s.code } : {}) }));
    if (report.problem) throw report.problem;
    return { stages, checkedOn: report.checkedOn };
  });
}

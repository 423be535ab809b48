/**
 * The cache folder check (core/cache) for a target. That module works on this machine's file
 * system, so it runs only for the local target; a remote target is refused plainly until the
 * check can run through the Target interface.
 */
import { checkCacheFolder, type CacheFolderReport } from '../cache/checkFolder';
import { measureDataSize } from '../cache/dataSize';
import { SetupError, type ErrorParams } from '../errors';
import type { Target } from '../target/target';

export interface DataToProtect {
  dataSizeBytes?: number;
  dataFolders?: readonly string[];
}

export async function checkCacheOnTarget(
  target: Target,
  folder: string,
  data: DataToProtect,
  options: { signal?: AbortSignal; onProgress?: (detail: ErrorParams) => void } = {},
): Promise<CacheFolderReport> {
  if (!target.isLocal) {
    throw new SetupError('CacheCheckUnsupportedTarget', `The cache folder on ${target.label} cannot be checked from here yet.`, { target: target.id });
  }
  let dataSizeBytes = data.dataSizeBytes ?? 0;
  if (data.dataSizeBytes === undefined && data.dataFolders && data.dataFolders.length > 0) {
    const measured = await measureDataSize(data.dataFolders, {
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ phase: 'measuringData', files: p.files, bytes: p.bytes }),
    });
    dataSizeBytes = measured.bytes;
  }
  return checkCacheFolder(folder, { dataSizeBytes, signal: options.signal });
}

/**
 * The cache folder check (core/cache) on a target, against the size of the data to protect:
 * given, or measured by walking folders. The walk reads this machine's file system, so for a
 * remote target the size must be given.
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
  let dataSizeBytes = data.dataSizeBytes ?? 0;
  if (data.dataSizeBytes === undefined && data.dataFolders && data.dataFolders.length > 0) {
    if (!target.isLocal) {
      throw new SetupError('DataSizeUnsupportedTarget', `The data on ${target.label} cannot be measured from here: give its size.`, { target: target.id });
    }
    const measured = await measureDataSize(data.dataFolders, {
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ phase: 'measuringData', files: p.files, bytes: p.bytes }),
    });
    dataSizeBytes = measured.bytes;
  }
  return checkCacheFolder(folder, { dataSizeBytes, signal: options.signal, target });
}

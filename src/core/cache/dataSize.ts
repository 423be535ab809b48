import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { SetupError, throwIfAborted } from '../errors';
import { errnoOf } from '../fs/errno';
import { TargetCode } from '../target/codes';

export interface DataSizeProgress {
  files: number;
  directories: number;
  bytes: number;
  /** Entries that could not be read (permissions, vanished while walking). */
  skipped: number;
}

export interface DataSize extends DataSizeProgress {
  /** A limit stopped the walk early: `bytes` is then a lower bound. */
  partial: boolean;
  limitsHit: Array<'maxEntries' | 'maxDepth'>;
}

export interface MeasureOptions {
  signal?: AbortSignal;
  /** Called at most every PROGRESS_INTERVAL_MS. */
  onProgress?: (progress: DataSizeProgress) => void;
  maxEntries?: number;
  /** Folder levels below each root that are still walked. */
  maxDepth?: number;
}

export const PROGRESS_INTERVAL_MS = 100;
export const DEFAULT_MAX_ENTRIES = 2_000_000;
export const DEFAULT_MAX_DEPTH = 64;
/** lstat calls in flight per folder: enough to hide latency, few enough to spare the disk. */
const BATCH = 64;

/**
 * Adds up the size of the files under `folders`, the data the cache folder is sized against.
 * Symbolic links are not followed (the roots themselves may be links: the user named them), hard
 * links and overlapping roots count once, unreadable entries below the roots are skipped and
 * counted; a root that cannot be read is refused (DataFolderUnreadable). Throws CancelledError when
 * `signal` aborts.
 */
export async function measureDataSize(folders: readonly string[], options: MeasureOptions = {}): Promise<DataSize> {
  const { signal, onProgress, maxEntries = DEFAULT_MAX_ENTRIES, maxDepth = DEFAULT_MAX_DEPTH } = options;
  const totals: DataSizeProgress = { files: 0, directories: 0, bytes: 0, skipped: 0 };
  const limitsHit = new Set<'maxEntries' | 'maxDepth'>();
  const seen = new Set<string>();
  const pending: Array<{ dir: string; depth: number }> = [];
  let entries = 0;
  let lastProgress = -Infinity;

  const progress = () => {
    const now = performance.now();
    if (onProgress && now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      onProgress({ ...totals });
    }
  };

  /** Counts one entry; false when the entry limit is reached. */
  const visit = (file: string, stat: Stats | undefined, depth: number): boolean => {
    if (entries >= maxEntries) {
      limitsHit.add('maxEntries');
      return false;
    }
    entries++;
    if (!stat) {
      totals.skipped++;
    } else if (stat.isDirectory()) {
      if (!firstSighting(seen, stat)) return true;
      totals.directories++;
      if (depth < maxDepth) pending.push({ dir: file, depth: depth + 1 });
      else limitsHit.add('maxDepth');
    } else if (stat.isFile() && (stat.nlink <= 1 || firstSighting(seen, stat))) {
      totals.files++;
      totals.bytes += stat.size;
    }
    return true;
  };

  for (const root of folders) {
    throwIfAborted(signal);
    if (!visit(root, await statRoot(root), 0)) break;
  }

  walk: for (let next = pending.pop(); next; next = pending.pop()) {
    throwIfAborted(signal);
    const { dir, depth } = next;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      totals.skipped++;
      continue;
    }
    for (let i = 0; i < names.length; i += BATCH) {
      throwIfAborted(signal);
      const files = names.slice(i, i + BATCH).map((name) => path.join(dir, name));
      const stats = await Promise.all(files.map((file) => fs.lstat(file).catch(() => undefined)));
      for (let j = 0; j < files.length; j++) {
        if (!visit(files[j], stats[j], depth)) break walk;
      }
      progress();
    }
  }
  throwIfAborted(signal);
  return { ...totals, partial: limitsHit.size > 0, limitsHit: [...limitsHit] };
}

/**
 * A folder the user named: one that cannot be read is refused, not counted as empty, since a
 * mistyped path would otherwise measure nothing and let a too small cache folder pass.
 */
async function statRoot(root: string): Promise<Stats> {
  try {
    return await fs.stat(root);
  } catch (err) {
    throw new SetupError(TargetCode.DataFolderUnreadable, `The data folder ${root} cannot be read, so the size of the data to protect cannot be measured.`, { folder: root, reason: errnoOf(err) ?? 'unknown' }, { cause: err });
  }
}

/** True the first time an inode is seen. */
function firstSighting(seen: Set<string>, stat: Stats): boolean {
  const key = `${stat.dev}:${stat.ino}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

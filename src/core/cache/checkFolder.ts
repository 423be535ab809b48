import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { SetupError, throwIfAborted, type ErrorParams } from '../errors';
import { classifyFileSystem, isUncPath, isUnderVirtualRoot } from './fileSystems';

/** Free space the cache folder needs, as a share of the data to protect (facts, section 5: "at least 5%"). */
export const CACHE_FREE_SPACE_RATIO = 0.05;
/** The agent's ID for a cache folder that is too small or gone (facts, section 2). */
export const CACHE_AGENT_CODE = '0x1FC07';

export const CacheCode = {
  NotAbsolute: 'CacheFolderNotAbsolute',
  NotLocal: 'CacheFolderNotLocal',
  NotCreatable: 'CacheFolderNotCreatable',
  NotWritable: 'CacheFolderNotWritable',
  TooSmall: 'CacheFolderTooSmall',
} as const;

export const CACHE_CHECKS = ['absolute', 'local', 'exists', 'writable', 'freeSpace'] as const;
export type CacheCheckName = (typeof CACHE_CHECKS)[number];

export type CacheCheck =
  | { check: CacheCheckName; status: 'ok' | 'skipped'; params: ErrorParams }
  | { check: CacheCheckName; status: 'failed'; code: string; message: string; params: ErrorParams };
type FailedCheck = Extract<CacheCheck, { status: 'failed' }>;

/** What a check reports when it could not run at all (statfs refused, say). */
const FALLBACK_CODE: Record<CacheCheckName, string> = {
  absolute: CacheCode.NotAbsolute,
  local: CacheCode.NotLocal,
  exists: CacheCode.NotCreatable,
  writable: CacheCode.NotWritable,
  freeSpace: CacheCode.TooSmall,
};

export interface CacheFolderReport {
  /** The folder as checked (normalised when absolute). */
  folder: string;
  ok: boolean;
  /** This check created the folder (it is kept only when every check passed). */
  created: boolean;
  /** 5% of the data to protect, rounded up. */
  requiredBytes: number;
  /** Free space for an unprivileged user, when it could be measured. */
  availableBytes?: number;
  /** Name of the file system type, when known. */
  fileSystem?: string;
  checks: CacheCheck[];
}

export interface CacheFolderOptions {
  dataSizeBytes: number;
  signal?: AbortSignal;
}

type Verdict = { ok: true; params?: ErrorParams } | { ok: false; code: string; message: string; params?: ErrorParams };

const fail = (code: string, message: string, params: ErrorParams = {}): Verdict => ({ ok: false, code, message, params });

/**
 * Checks (and creates, mode 0700) the agent's cache folder: absolute, local, a directory we can
 * write, with enough free space. Each check is reported; the first failure skips the rest.
 * Throws only CancelledError.
 */
export async function checkCacheFolder(folder: string, options: CacheFolderOptions): Promise<CacheFolderReport> {
  const requiredBytes = Math.ceil(options.dataSizeBytes * CACHE_FREE_SPACE_RATIO);
  const unc = isUncPath(folder);
  const report: CacheFolderReport = {
    folder: unc || !path.isAbsolute(folder) ? folder : path.resolve(folder),
    ok: true,
    created: false,
    requiredBytes,
    checks: [],
  };
  const target = report.folder;
  const created: string[] = [];

  const run = async (check: CacheCheckName, body: () => Promise<Verdict> | Verdict) => {
    if (!report.ok) {
      report.checks.push({ check, status: 'skipped', params: {} });
      return;
    }
    throwIfAborted(options.signal);
    const verdict = await Promise.resolve()
      .then(body)
      .catch((err: unknown): Verdict =>
        fail(FALLBACK_CODE[check], `The cache folder could not be checked (${check}): ${target}`, { errorCode: errnoOf(err) }),
      );
    if (verdict.ok) {
      report.checks.push({ check, status: 'ok', params: verdict.params ?? {} });
    } else {
      report.ok = false;
      const params = { folder: target, ...verdict.params };
      report.checks.push({ check, status: 'failed', code: verdict.code, message: verdict.message, params });
    }
  };

  try {
    await run('absolute', () =>
      unc || path.isAbsolute(folder) ? { ok: true } : fail(CacheCode.NotAbsolute, `The cache folder must be an absolute path: ${folder}`),
    );

    // Checked before creating anything: a folder is never made on a share only to be refused.
    await run('local', async () => {
      if (unc) return fail(CacheCode.NotLocal, `The cache folder must be on a local disk, not a network share: ${folder}`, { reason: 'unc' });
      if (isUnderVirtualRoot(target)) {
        return fail(CacheCode.NotLocal, `The cache folder cannot be in a system folder: ${target}`, { reason: 'virtual' });
      }
      if (process.platform !== 'linux') return { ok: true };
      const fsType = classifyFileSystem((await fs.statfs(await nearestExisting(target))).type);
      report.fileSystem = fsType.name;
      if (fsType.kind === 'local') return { ok: true, params: { fileSystem: fsType.name } };
      return fail(CacheCode.NotLocal, `The cache folder must be on a local disk; ${target} is on ${fsType.name}.`, {
        reason: fsType.kind,
        fileSystem: fsType.name,
      });
    });

    await run('exists', async () => {
      try {
        const stat = await fs.stat(target);
        if (stat.isDirectory()) return { ok: true, params: { created: false } };
        return fail(CacheCode.NotCreatable, `The cache folder path exists but is not a folder: ${target}`, { reason: 'not-a-directory' });
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT') return fail(CacheCode.NotCreatable, `The cache folder cannot be read: ${target}`, { errorCode: errnoOf(err) });
      }
      try {
        await createFolders(target, created);
        report.created = true;
        return { ok: true, params: { created: true } };
      } catch (err) {
        return fail(CacheCode.NotCreatable, `The cache folder cannot be created: ${target}`, { errorCode: errnoOf(err) });
      }
    });

    await run('writable', async () => {
      const probe = path.join(target, `.write-probe-${randomBytes(6).toString('hex')}`);
      try {
        const handle = await fs.open(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
        try {
          await handle.writeFile('probe');
        } finally {
          await handle.close();
          await fs.rm(probe, { force: true });
        }
        return { ok: true };
      } catch (err) {
        return fail(CacheCode.NotWritable, `The cache folder is not writable: ${target}`, { errorCode: errnoOf(err) });
      }
    });

    await run('freeSpace', async () => {
      const stats = await fs.statfs(target);
      const availableBytes = stats.bavail * stats.bsize;
      report.availableBytes = availableBytes;
      const params = { requiredBytes, availableBytes, dataSizeBytes: options.dataSizeBytes };
      if (availableBytes >= requiredBytes) return { ok: true, params };
      return fail(
        CacheCode.TooSmall,
        `The cache folder needs at least ${requiredBytes} bytes free (${CACHE_FREE_SPACE_RATIO * 100}% of the data to protect); ${availableBytes} are available.`,
        { ...params, agentCode: CACHE_AGENT_CODE },
      );
    });
  } finally {
    // A refused folder is not left behind; the folders were empty when made, so rmdir suffices.
    if (!report.ok) for (const dir of created.reverse()) await fs.rmdir(dir).catch(() => undefined);
  }
  return report;
}

/** The first failed check as a SetupError, for callers that stop at the first problem. */
export function cacheFolderError(report: CacheFolderReport): SetupError | undefined {
  const failed = report.checks.find((c): c is FailedCheck => c.status === 'failed');
  return failed && new SetupError(failed.code, failed.message, failed.params);
}

async function nearestExisting(target: string): Promise<string> {
  for (let dir = target; ; dir = path.dirname(dir)) {
    try {
      await fs.access(dir);
      return dir;
    } catch {
      if (path.dirname(dir) === dir) return dir;
    }
  }
}

/**
 * Makes the missing folders one level at a time, each 0700, recording them in `created`.
 * Not `mkdir({ recursive: true })`: it reports ENOENT for any failure (EROFS, EACCES...).
 */
async function createFolders(target: string, created: string[]): Promise<void> {
  let dir = await nearestExisting(target);
  for (const part of path.relative(dir, target).split(path.sep).filter(Boolean)) {
    dir = path.join(dir, part);
    try {
      await fs.mkdir(dir, { mode: 0o700 });
      created.push(dir);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
    }
  }
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'unknown';
}

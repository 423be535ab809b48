import { randomBytes } from 'node:crypto';
import { pathOf } from '../target/paths';
import { SetupError, throwIfAborted, type ErrorParams } from '../errors';
import { errnoOf } from '../fs/errno';
import { LocalTarget } from '../target/local';
import type { FreeSpace, Target, TargetStat } from '../target/target';
import { isUncPath, isUnderVirtualRoot } from './refusedPaths';

/** Free space the cache folder needs, as a share of the data to protect (agent facts §5: "at least 5%"). */
export const CACHE_FREE_SPACE_RATIO = 0.05;
/** The agent's ID for a cache folder that is too small or gone (agent facts §2). */
export const CACHE_AGENT_CODE = '0x1FC07';

export const CacheCode = {
  NotAbsolute: 'CacheFolderNotAbsolute',
  NotLocal: 'CacheFolderNotLocal',
  NotCreatable: 'CacheFolderNotCreatable',
  NotWritable: 'CacheFolderNotWritable',
  TooSmall: 'CacheFolderTooSmall',
} as const;
export type CacheCode = (typeof CacheCode)[keyof typeof CacheCode];

export const CACHE_CHECKS = ['absolute', 'local', 'exists', 'writable', 'freeSpace'] as const;
export type CacheCheckName = (typeof CACHE_CHECKS)[number];

export type CacheCheck =
  | { check: CacheCheckName; status: 'ok' | 'skipped'; params: ErrorParams }
  | { check: CacheCheckName; status: 'failed'; code: CacheCode; message: string; params: ErrorParams };
type FailedCheck = Extract<CacheCheck, { status: 'failed' }>;

/** What a check reports when it could not run at all (statfs refused, say). */
const FALLBACK_CODE: Record<CacheCheckName, CacheCode> = {
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
  /** The machine the folder is on; this one when absent. Every check runs through it. */
  target?: Target;
}

type Verdict = { ok: true; params?: ErrorParams } | { ok: false; code: CacheCode; message: string; params?: ErrorParams };

const fail = (code: CacheCode, message: string, params: ErrorParams = {}): Verdict => ({ ok: false, code, message, params });

/** A network path counts as absolute here: the `local` check refuses it with its own reason. */
const isAbsoluteFolder = (machine: Target, folder: string) => isUncPath(folder) || pathOf(machine).isAbsolute(folder);
const notAbsoluteMessage = (folder: string) => `The cache folder must be an absolute path: ${folder}`;

/**
 * The `absolute` check alone, as an error: what a plan can say before anything is created (the
 * other checks make the folder to test it).
 */
export function cacheFolderNotAbsolute(machine: Target, folder: string): SetupError | undefined {
  if (isAbsoluteFolder(machine, folder)) return undefined;
  return new SetupError(CacheCode.NotAbsolute, notAbsoluteMessage(folder), { folder });
}

/**
 * Checks (and creates, private) the agent's cache folder on a target: absolute, local, a
 * directory we can write, with enough free space. Each check is reported; the first failure
 * skips the rest. Throws only CancelledError.
 */
export async function checkCacheFolder(folder: string, options: CacheFolderOptions): Promise<CacheFolderReport> {
  const machine = options.target ?? new LocalTarget();
  const path = pathOf(machine);
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
  /** The folder or its nearest existing parent, found once by the local check for the checks after it. */
  let nearest: Existing | undefined;
  /** The local check's measure of the nearest folder's file system. */
  let nearestSpace: FreeSpace | undefined;

  const run = async (check: CacheCheckName, body: () => Promise<Verdict> | Verdict) => {
    if (!report.ok) {
      report.checks.push({ check, status: 'skipped', params: {} });
      return;
    }
    throwIfAborted(options.signal);
    const verdict = await Promise.resolve()
      .then(body)
      .catch((err: unknown): Verdict =>
        fail(FALLBACK_CODE[check], `The cache folder could not be checked (${check}): ${target}`, { errorCode: errnoOf(err) ?? 'unknown' }),
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
    await run('absolute', () => (isAbsoluteFolder(machine, folder) ? { ok: true } : fail(CacheCode.NotAbsolute, notAbsoluteMessage(folder))));

    // Checked before creating anything: a folder is never made on a share only to be refused.
    await run('local', async () => {
      if (unc) return fail(CacheCode.NotLocal, `The cache folder must be on a local disk, not a network share: ${folder}`, { reason: 'unc' });
      if (isUnderVirtualRoot(target)) {
        return fail(CacheCode.NotLocal, `The cache folder cannot be in a system folder: ${target}`, { reason: 'virtual' });
      }
      nearest = await nearestExisting(machine, target);
      nearestSpace = await machine.freeSpace(nearest.dir);
      const { fileSystem } = nearestSpace;
      if (fileSystem.kind === 'unknown') return { ok: true }; // the target cannot tell
      report.fileSystem = fileSystem.name;
      if (fileSystem.kind === 'local') return { ok: true, params: { fileSystem: fileSystem.name } };
      return fail(CacheCode.NotLocal, `The cache folder must be on a local disk; ${target} is on ${fileSystem.name}.`, {
        reason: fileSystem.kind,
        fileSystem: fileSystem.name,
      });
    });

    await run('exists', async () => {
      let stat;
      try {
        if (nearest?.targetError) throw nearest.targetError;
        stat = nearest ? (nearest.dir === target ? nearest.stat : undefined) : await machine.stat(target);
      } catch (err) {
        return fail(CacheCode.NotCreatable, `The cache folder cannot be read: ${target}`, { errorCode: errnoOf(err) ?? 'unknown' });
      }
      if (stat?.kind === 'directory') return { ok: true, params: { created: false } };
      // A link is refused too: the agent's cache must not be a reparse point (agent facts §5).
      if (stat) return fail(CacheCode.NotCreatable, `The cache folder path exists but is not a folder: ${target}`, { reason: 'not-a-directory' });
      try {
        await createFolders(machine, target, created, nearest?.dir);
        report.created = true;
        return { ok: true, params: { created: true } };
      } catch (err) {
        return fail(CacheCode.NotCreatable, `The cache folder cannot be created: ${target}`, { errorCode: errnoOf(err) ?? 'unknown' });
      }
    });

    await run('writable', async () => {
      const probe = path.join(target, `.write-probe-${randomBytes(6).toString('hex')}`);
      try {
        try {
          await machine.writeFileAtomic(probe, 'probe', { private: true, exclusive: true });
        } finally {
          await machine.remove(probe);
        }
        return { ok: true };
      } catch (err) {
        return fail(CacheCode.NotWritable, `The cache folder is not writable: ${target}`, { errorCode: errnoOf(err) ?? 'unknown' });
      }
    });

    await run('freeSpace', async () => {
      // The folder is the nearest one the local check measured, or was made inside it, so on its
      // file system: that measure stands (a request less on a remote target). Otherwise measured now.
      const sameFileSystem = nearestSpace && (nearest?.dir === target || report.created);
      const { availableBytes } = sameFileSystem ? nearestSpace! : await machine.freeSpace(target);
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
    // A refused folder is not left behind; the folders were empty when made.
    if (!report.ok) for (const dir of created.reverse()) await machine.remove(dir).catch(() => undefined);
  }
  return report;
}

/** The first failed check as a SetupError, for callers that stop at the first problem. */
export function cacheFolderError(report: CacheFolderReport): SetupError | undefined {
  const failed = report.checks.find((c): c is FailedCheck => c.status === 'failed');
  return failed && new SetupError(failed.code, failed.message, failed.params);
}

interface Existing {
  dir: string;
  stat: TargetStat | undefined;
  /** Why `target` itself could not be looked at (the walk went on to its parents). */
  targetError?: unknown;
}

/** `target` or its nearest parent that exists (each level a stat, a round trip on a remote target). */
async function nearestExisting(machine: Target, target: string): Promise<Existing> {
  const path = pathOf(machine);
  let targetError: unknown;
  for (let dir = target; ; dir = path.dirname(dir)) {
    const stat = await machine.stat(dir).catch((err: unknown) => {
      if (dir === target) targetError = err;
      return undefined;
    });
    if (stat || path.dirname(dir) === dir) return { dir, stat, ...(targetError === undefined ? {} : { targetError }) };
  }
}

/**
 * Makes the missing folders below `from` (the nearest existing folder, when already found) one
 * level at a time, each private, recording them in `created` so a refused folder can be removed again.
 */
async function createFolders(machine: Target, target: string, created: string[], from?: string): Promise<void> {
  const path = pathOf(machine);
  let dir = from ?? (await nearestExisting(machine, target)).dir;
  for (const part of path.relative(dir, target).split(path.sep).filter(Boolean)) {
    dir = path.join(dir, part);
    await machine.mkdir(dir, { private: true });
    created.push(dir);
  }
}


/**
 * Unpacks a checked agent package onto a target, through the Target interface only (so the same
 * code installs over SSH). Everything is written into a fresh staging folder beside the agent
 * folder and swapped in with renames at the end: a failed or cancelled unpack leaves the previous
 * agent exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { pathOf } from '../target/paths';
import { CancelledError, SetupError, throwIfAborted } from '../errors';
import type { CommandResult, Target } from '../target/target';
import { readAgentArchive, type PackageEntry } from './archive';
import { unpackOnTarget, type ThenRun } from './unpackOnTarget';

export interface UnpackProgress {
  entriesDone: number;
  entriesTotal: number;
}

export interface UnpackAgentOptions {
  target: Target;
  /** The .tar.gz on the admin side. */
  packageFile: string;
  /** The agent folder on the target, e.g. `<installFolder>/agent`. */
  agentDir: string;
  signal?: AbortSignal;
  onProgress?: (progress: UnpackProgress) => void;
  /**
   * Writes the files with one command on the target, its files on its stdin (unpackOnTarget.ts), instead
   * of one SFTP write per file: for a remote target whose Node the prerequisites found.
   */
  onTarget?: boolean;
  /**
   * With `onTarget`: a program of the staged agent the unpack's own command runs once the files
   * are written (one session on the server instead of two); its result goes to beforeSwap.
   */
  thenRun?: ThenRun;
  /**
   * Checks the staged agent (at `stagingDir`) before it replaces the current one; throwing aborts
   * the install. `ran`: thenRun's result, when the unpack ran it.
   */
  beforeSwap?: (stagingDir: string, version: string, ran?: CommandResult) => Promise<void>;
}

const STAGING = '.staging-';
const PREVIOUS = '.previous-';


export async function unpackAgent(options: UnpackAgentOptions): Promise<{ version: string; agentDir: string }> {
  const { target, agentDir, signal } = options;
  // Read and check everything first: an unsafe package never gets as far as a mkdir.
  const archive = await readAgentArchive(options.packageFile, signal);
  const p = pathOf(target);
  const parent = p.dirname(agentDir);
  const base = p.basename(agentDir);
  await wrapWrite(target, parent, () => target.mkdir(parent));
  await removeLeftovers(target, parent, base);

  const staging = p.join(parent, `${base}${STAGING}${randomBytes(6).toString('hex')}`);
  try {
    await wrapWrite(target, staging, () => target.mkdir(staging));
    let ran: CommandResult | undefined;
    if (options.onTarget) {
      options.onProgress?.({ entriesDone: 0, entriesTotal: archive.entries.length });
      ran = await unpackOnTarget(target, archive, linksLast(archive.entries), staging, { signal, thenRun: options.thenRun });
      options.onProgress?.({ entriesDone: archive.entries.length, entriesTotal: archive.entries.length });
    } else {
      await writeEntries(target, staging, archive.entries, options);
    }
    await options.beforeSwap?.(staging, archive.version, ran);
    throwIfAborted(signal);
    await swapIn(target, staging, agentDir, p.join(parent, `${base}${PREVIOUS}${randomBytes(6).toString('hex')}`));
  } catch (err) {
    await target.remove(staging).catch(() => undefined);
    throw err;
  }
  return { version: archive.version, agentDir };
}

async function writeEntries(target: Target, root: string, entries: readonly PackageEntry[], options: UnpackAgentOptions): Promise<void> {
  const p = pathOf(target);
  const made = new Set<string>([root]);
  const mkdirs = async (dir: string) => {
    if (made.has(dir)) return;
    await target.mkdir(dir);
    made.add(dir);
  };
  const ordered = linksLast(entries);
  let done = 0;
  for (const entry of ordered) {
    throwIfAborted(options.signal);
    const dest = p.join(root, ...entry.path);
    await wrapWrite(target, dest, async () => {
      if (entry.kind === 'directory') return mkdirs(dest);
      await mkdirs(p.dirname(dest));
      if (entry.kind === 'file') return target.writeFileAtomic(dest, entry.data, { executable: entry.executable });
      // A package's links are POSIX-style; a Windows target wants its own separator.
      return target.symlink(target.pathStyle === 'win32' ? entry.linkTarget.replaceAll('/', '\\') : entry.linkTarget, dest);
    });
    options.onProgress?.({ entriesDone: ++done, entriesTotal: ordered.length });
  }
}

/** Links last: no file is ever written while a link exists that a path could pass through. */
function linksLast(entries: readonly PackageEntry[]): PackageEntry[] {
  return [...entries.filter((e) => e.kind !== 'symlink'), ...entries.filter((e) => e.kind === 'symlink')];
}

/**
 * Puts the staged agent in place: the current one is renamed aside first, so there is no moment
 * with a half-replaced folder; if the second rename fails, it is renamed back.
 */
async function swapIn(target: Target, staging: string, agentDir: string, previous: string): Promise<void> {
  const hadAgent = (await target.stat(agentDir)) !== undefined;
  if (hadAgent) await wrapWrite(target, agentDir, () => target.rename(agentDir, previous));
  try {
    await wrapWrite(target, agentDir, () => target.rename(staging, agentDir));
  } catch (err) {
    if (hadAgent) await target.rename(previous, agentDir);
    throw err;
  }
  // The new agent is in place; a previous one that cannot be removed now is removed next time.
  if (hadAgent) await target.remove(previous).catch(() => undefined);
}

/**
 * Staging and set-aside folders from an install that was interrupted (a crash, a lost
 * connection). Installs into one folder are not meant to run side by side; one that did would
 * fail at its rename, never leave a mixed agent.
 */
async function removeLeftovers(target: Target, parent: string, base: string): Promise<void> {
  const p = pathOf(target);
  for (const name of await target.readdir(parent)) {
    if (name.startsWith(`${base}${STAGING}`) || name.startsWith(`${base}${PREVIOUS}`)) await target.remove(p.join(parent, name));
  }
}

/** File-system failures become a SetupError naming the path and the target; our own errors pass through. */
async function wrapWrite<T>(target: Target, file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof SetupError || err instanceof CancelledError) throw err;
    const errorCode = String((err as NodeJS.ErrnoException).code ?? 'unknown');
    throw new SetupError('AgentUnpackFailed', `Writing ${file} on ${target.label} failed (${errorCode}).`, { file, target: target.label, errorCode }, { cause: err });
  }
}

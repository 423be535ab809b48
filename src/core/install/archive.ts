/**
 * Reads an agent package (.tar.gz) on the admin side and decides, before anything is written
 * anywhere, whether it is safe to unpack: every entry must stay inside the package's root folder,
 * and be a plain file, a folder, or a symbolic link whose target (followed through the package's
 * other links) stays inside too. Hard links and device files are refused outright.
 */
import { promises as fs } from 'node:fs';
// tar/parse, not tar's index, which also brings its packer, extractor and file-system writers.
import type { ReadEntry } from 'tar';
import { Parser } from 'tar/parse';
import { ContentCache } from '../contentCache';
import { CancelledError, SetupError, throwIfAborted } from '../errors';
import { AGENT_VERSION_PATTERN, PACKAGE_ROOT } from './naming';
const MAX_ENTRIES = 10_000;
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 64 * 1024;
// As many links as Linux follows in one lookup before it reports ELOOP.
const MAX_LINK_HOPS = 40;

export type PackageEntry =
  | { kind: 'directory'; path: string[] }
  | { kind: 'file'; path: string[]; executable: boolean; data: Buffer }
  | { kind: 'symlink'; path: string[]; linkTarget: string };

export interface AgentArchive {
  /** From the package's own package.json. */
  version: string;
  /** In archive order; paths are components below the root folder. */
  entries: PackageEntry[];
  unpackedBytes: number;
}

/**
 * A fleet installs the same package on every server: gunzipped, parsed and checked once. No
 * install holds the archive between servers, so it is held for a while after each use (it holds
 * no secret): held weakly alone, it was collected between servers and parsed (and packed for the
 * upload, unpackOnTarget.ts) again for most of them.
 */
const checked = new ContentCache<Promise<AgentArchive>>({ holdMs: 60_000 });

/** Reads and checks the whole archive. Throws a SetupError naming the first unsafe entry. */
export async function readAgentArchive(file: string, signal?: AbortSignal): Promise<AgentArchive> {
  throwIfAborted(signal);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw corrupt(file, err);
  }
  // The shared parse runs without this caller's signal; a cancelled caller stops waiting for it.
  return abortable(
    checked.get(bytes, async () => {
      const entries = await parse(file, bytes);
      checkTree(entries);
      return { version: manifestVersion(entries), entries, unpackedBytes: entries.reduce((n, e) => n + (e.kind === 'file' ? e.data.length : 0), 0) };
    }),
    signal,
  );
}

function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function parse(file: string, bytes: Buffer): Promise<PackageEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: PackageEntry[] = [];
    let unpackedBytes = 0;
    const parser = new Parser({ strict: true });
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      // Stops the gunzip too: a refused package is not inflated any further.
      parser.abort(err instanceof Error ? err : new Error(String(err)));
      reject(err instanceof SetupError || err instanceof CancelledError ? err : corrupt(file, err));
    };

    parser.on('entry', (entry: ReadEntry) => {
      try {
        if (entries.length >= MAX_ENTRIES) throw tooLarge(`more than ${MAX_ENTRIES} entries`);
        unpackedBytes += entry.size;
        if (unpackedBytes > MAX_UNPACKED_BYTES) throw tooLarge(`more than ${MAX_UNPACKED_BYTES} bytes unpacked`);
        const parsed = classify(entry);
        if (parsed?.kind !== 'file') {
          entry.resume();
          if (parsed) entries.push(parsed);
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => entries.push({ ...parsed, data: Buffer.concat(chunks) }));
      } catch (err) {
        fail(err);
      }
    });
    // Entry types tar does not know, and oversized metadata: not something a package may carry.
    parser.on('ignoredEntry', (entry: ReadEntry) => fail(corrupt(file, new Error(`unsupported entry ${entry.path} (${entry.type})`))));
    parser.on('error', fail);
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(entries);
    });
    parser.end(bytes);
  });
}

/** The entry as something to write, undefined for the root folder itself; throws for what is refused. */
function classify(entry: ReadEntry): PackageEntry | undefined {
  const path = packagePath(entry.path);
  if (path.length === 0) {
    if (entry.type !== 'Directory') throw unsafePath(entry.path, 'outside-root');
    return undefined;
  }
  switch (entry.type) {
    case 'Directory':
      return { kind: 'directory', path };
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      // Only whether it is executable survives: no setuid, no group or world write. The data
      // is read in afterwards.
      return { kind: 'file', path, executable: ((entry.mode ?? 0) & 0o111) !== 0, data: Buffer.alloc(0) };
    case 'SymbolicLink':
      return { kind: 'symlink', path, linkTarget: checkedLinkTarget(entry.path, entry.linkpath ?? '') };
    case 'Link':
      throw new SetupError('AgentPackageHardLink', `The agent package contains a hard link (${entry.path}), which it must not: refused.`, {
        entry: entry.path,
        linkTarget: entry.linkpath ?? '',
      });
    case 'CharacterDevice':
    case 'BlockDevice':
    case 'FIFO':
      throw new SetupError('AgentPackageSpecialFile', `The agent package contains a device or pipe (${entry.path}, ${entry.type}): refused.`, {
        entry: entry.path,
        entryType: entry.type,
      });
    default:
      throw new SetupError('AgentPackageCorrupt', `The agent package contains an entry of an unsupported type (${entry.path}, ${entry.type}).`, {
        entry: entry.path,
        entryType: entry.type,
      });
  }
}

/** The path's components below the root folder. */
function packagePath(raw: string): string[] {
  // Backslashes and drive letters are separators and roots on a Windows target.
  if (raw.includes('\0') || raw.includes('\\')) throw unsafePath(raw, 'invalid-character');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw unsafePath(raw, 'absolute');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafePath(raw, 'parent-reference');
  if (parts[0] !== PACKAGE_ROOT) throw unsafePath(raw, 'outside-root');
  return parts.slice(1);
}

function checkedLinkTarget(entry: string, linkTarget: string): string {
  if (linkTarget === '' || linkTarget.includes('\0') || linkTarget.includes('\\')) throw unsafeLink(entry, linkTarget, 'invalid-target');
  if (linkTarget.startsWith('/') || /^[A-Za-z]:/.test(linkTarget)) throw unsafeLink(entry, linkTarget, 'absolute-target');
  return linkTarget;
}

/**
 * Checks the package as the tree it will become: no duplicates, nothing below a file or a link
 * (a write through a link lands wherever the link points), and every link resolving inside.
 */
function checkTree(entries: readonly PackageEntry[]): void {
  const byPath = new Map<string, PackageEntry>();
  for (const entry of entries) {
    const key = entry.path.join('/');
    const seen = byPath.get(key);
    if (seen && !(seen.kind === 'directory' && entry.kind === 'directory')) throw unsafePath(`${PACKAGE_ROOT}/${key}`, 'duplicate');
    byPath.set(key, entry);
  }
  const links = new Map<string, string>();
  for (const entry of byPath.values()) if (entry.kind === 'symlink') links.set(entry.path.join('/'), entry.linkTarget);

  for (const entry of byPath.values()) {
    const name = `${PACKAGE_ROOT}/${entry.path.join('/')}`;
    for (let i = 1; i < entry.path.length; i++) {
      const parent = byPath.get(entry.path.slice(0, i).join('/'));
      if (parent?.kind === 'symlink') throw unsafeLink(name, parent.linkTarget, 'through-link');
      if (parent?.kind === 'file') throw unsafePath(name, 'below-file');
    }
    if (entry.kind === 'symlink') {
      const escape = resolvesOutside(entry.path, entry.linkTarget, links);
      if (escape) throw unsafeLink(name, entry.linkTarget, escape);
    }
  }
}

/**
 * Follows a link the way the file system will, through the package's other links, without
 * touching any disk. Returns why it leaves the root folder, or undefined when it stays inside.
 */
function resolvesOutside(linkPath: readonly string[], linkTarget: string, links: ReadonlyMap<string, string>): 'escapes' | 'loop' | undefined {
  const resolved = linkPath.slice(0, -1);
  const pending = linkTarget.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) return 'escapes';
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const next = links.get(resolved.join('/'));
    if (next === undefined) continue;
    if (++hops > MAX_LINK_HOPS) return 'loop';
    resolved.pop();
    pending.unshift(...next.split('/'));
  }
  return undefined;
}

function manifestVersion(entries: readonly PackageEntry[]): string {
  const find = (name: string) => entries.find((e): e is Extract<PackageEntry, { kind: 'file' }> => e.kind === 'file' && e.path.join('/') === name);
  const manifest = find('package.json');
  if (!find('main.js') || !manifest || manifest.data.length > MAX_MANIFEST_BYTES) {
    throw new SetupError('AgentPackageCorrupt', 'The agent package has no main.js and package.json in its root folder.', {});
  }
  let version: unknown;
  try {
    version = (JSON.parse(manifest.data.toString('utf8')) as { version?: unknown }).version;
  } catch {
    // reported below
  }
  if (typeof version !== 'string' || !AGENT_VERSION_PATTERN.test(version)) {
    throw new SetupError('AgentPackageCorrupt', "The agent package's package.json does not name a version.", {});
  }
  return version;
}

function unsafePath(entry: string, reason: string): SetupError {
  return new SetupError('AgentPackageUnsafePath', `The agent package contains an entry outside its folder (${entry}: ${reason}): refused.`, { entry, reason });
}

function unsafeLink(entry: string, linkTarget: string, reason: string): SetupError {
  return new SetupError('AgentPackageUnsafeLink', `The agent package contains a link that leads outside its folder (${entry} -> ${linkTarget}: ${reason}): refused.`, {
    entry,
    linkTarget,
    reason,
  });
}

function tooLarge(reason: string): SetupError {
  return new SetupError('AgentPackageTooLarge', `The agent package is too large to unpack (${reason}).`, { reason });
}

function corrupt(file: string, cause: unknown): SetupError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SetupError('AgentPackageCorrupt', `The agent package ${file} is damaged or not a .tar.gz (${reason}).`, { file, reason }, { cause });
}

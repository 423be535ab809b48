import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ErrorParams } from '../errors';
import type { PassphraseLocationCode } from './codes';

export interface PassphraseLocationContext {
  installFolder?: string;
  cacheFolder?: string;
  workspaceFolders?: string[];
  /** The file would be written on the server being protected (the extension runs there). */
  remoteServer?: boolean;
}

export interface PassphraseLocationWarning {
  code: PassphraseLocationCode;
  params: ErrorParams;
}

/**
 * Places where a saved passphrase is likely to be lost with the data it protects, swept up by an
 * uninstall, or published (agent facts §4: the user must keep it; the vendor recommends a key vault).
 * The adapter asks for confirmation when any warning comes back.
 */
export async function assessPassphraseLocation(file: string, context: PassphraseLocationContext = {}): Promise<PassphraseLocationWarning[]> {
  const target = await resolveExisting(path.resolve(file));
  const warnings: PassphraseLocationWarning[] = [];
  const folders: Array<[PassphraseLocationCode, string | undefined]> = [
    ['PassphraseFileInInstallFolder', context.installFolder],
    ['PassphraseFileInCacheFolder', context.cacheFolder],
    ...(context.workspaceFolders ?? []).map((folder): [PassphraseLocationCode, string] => ['PassphraseFileInWorkspace', folder]),
  ];
  for (const [code, folder] of folders) {
    if (folder && isInside(target, await resolveExisting(path.resolve(folder)))) warnings.push({ code, params: { folder } });
  }
  const workTree = await findGitWorkTree(path.dirname(target));
  if (workTree) warnings.push({ code: 'PassphraseFileInGitWorkTree', params: { folder: workTree } });
  if (context.remoteServer) warnings.push({ code: 'PassphraseFileOnProtectedServer', params: {} });
  return warnings;
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(caseFold(folder), caseFold(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Windows and macOS file systems are normally case-insensitive. */
function caseFold(p: string): string {
  return process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p;
}

/**
 * The real path of the deepest existing ancestor, with the rest appended: the file does not exist
 * yet, but a symlinked folder on its way must not hide that it lands in, say, a workspace.
 */
async function resolveExisting(absolute: string): Promise<string> {
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** A `.git` folder, or a `.git` file (worktrees, submodules), in the folder or any ancestor. */
async function findGitWorkTree(start: string): Promise<string | undefined> {
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (await exists(path.join(folder, '.git'))) return folder;
    if (path.dirname(folder) === folder) return undefined;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Paths the cache folder can never be on, whatever their file system: a network share named
 * by its path (UNC), and the kernel's virtual folders. The file system itself the target tells
 * (Target.freeSpace).
 */

/** Paths that are never storage, whatever file system the statfs call reports. */
const VIRTUAL_ROOTS = ['/proc', '/sys'];

/** `\\server\share\...` or `//server/share/...`: a network path on any platform. */
export function isUncPath(folder: string): boolean {
  return /^(?:\\\\|\/\/)[^\\/]+[\\/]+[^\\/]+/.test(folder);
}

export function isUnderVirtualRoot(absolutePath: string): boolean {
  return VIRTUAL_ROOTS.some((root) => absolutePath === root || absolutePath.startsWith(`${root}/`));
}

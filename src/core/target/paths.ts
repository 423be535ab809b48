import path from 'node:path';
import type { Target } from './target';
import { isDrivePath } from './windows/paths';

/** node's path functions in the target's own style (a Windows server's paths from a Linux admin machine too). */
export function pathOf(target: Pick<Target, 'pathStyle'>): path.PlatformPath {
  return target.pathStyle === 'win32' ? path.win32 : path.posix;
}

/** Absolute on the target: on Windows with a drive letter (`\tmp\x` is absolute to node's path.win32, but names no drive a Windows target can reach). */
export function isAbsoluteOn(target: Pick<Target, 'pathStyle'>, file: string): boolean {
  return target.pathStyle === 'win32' ? isDrivePath(file) : path.posix.isAbsolute(file);
}

import path from 'node:path';
import type { Target } from './target';

/** node's path functions in the target's own style (a Windows server's paths from a Linux admin machine too). */
export function pathOf(target: Pick<Target, 'pathStyle'>): path.PlatformPath {
  return target.pathStyle === 'win32' ? path.win32 : path.posix;
}

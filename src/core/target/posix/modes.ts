/**
 * The POSIX permission bits behind the Target's neutral words: a private file or folder is the
 * owner's alone, an executable file can be run by anyone who may read it.
 */
import type { PrivacyOptions, WriteOptions } from '../target';

export function fileMode(options: WriteOptions = {}): number {
  if (options.executable) return options.private ? 0o700 : 0o755;
  return options.private ? 0o600 : 0o644;
}

export function folderMode(options: PrivacyOptions = {}): number {
  return options.private ? 0o700 : 0o755;
}

/** No group or other bits: only the owner can reach it. */
export function isPrivateMode(mode: number): boolean {
  return (mode & 0o077) === 0;
}

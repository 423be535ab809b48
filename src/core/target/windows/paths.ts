/**
 * Windows paths on a Windows target and the names Windows OpenSSH's SFTP server gives them: it
 * shows the drives as the top of one tree, so `C:\Users\x` is `/C:/Users/x` over SFTP. Only
 * absolute drive paths are mapped; a share (`\\server\share`) has no SFTP name there.
 */
import path from 'node:path';

function einval(message: string): Error {
  return Object.assign(new Error(message), { code: 'EINVAL' });
}

/** An absolute path with a drive letter (`C:\…` or `C:/…`), without what Windows refuses in a name. */
export function isDrivePath(file: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(file) && !/["<>|?*\p{Cc}]/u.test(file.slice(2));
}

/** The SFTP name of an absolute Windows path: `C:\a\b` → `/C:/a/b`. */
export function toSftpPath(file: string): string {
  if (!isDrivePath(file)) throw einval(`Not an absolute Windows path with a drive letter: ${file}`);
  const normal = path.win32.normalize(file);
  return `/${normal[0]!.toUpperCase()}:${normal.slice(2).replace(/\\/g, '/')}`;
}

/** The Windows path of an SFTP name: `/C:/a/b` → `C:\a\b` (and `/C:` → `C:\`). */
export function fromSftpPath(name: string): string {
  const match = /^\/([A-Za-z]):(\/.*)?$/.exec(name);
  if (!match) throw einval(`Not a Windows OpenSSH SFTP path: ${name}`);
  return `${match[1]!.toUpperCase()}:${(match[2] ?? '/').replace(/\//g, '\\')}`;
}

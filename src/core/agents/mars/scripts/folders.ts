/**
 * The folders and files the MARS scripts name: absolute local Windows paths (`C:\…`). A path
 * enters a script only as a literal; these checks add what Windows itself refuses in a name
 * (`"` and control characters; C1 controls are refused too), which the installer's own command line could not carry.
 */
import path from 'node:path';

function isLocalWindowsPath(value: string): boolean {
  return /^[A-Za-z]:\\/.test(value) && !/["\p{Cc}]/u.test(value) && path.win32.isAbsolute(value);
}

export function requireLocalWindowsPath(value: string, what: string): string {
  if (!isLocalWindowsPath(value)) throw Object.assign(new Error(`${what} must be an absolute local Windows path: ${value}`), { code: 'EINVAL' });
  return value;
}

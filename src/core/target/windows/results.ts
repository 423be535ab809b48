/**
 * What the Windows scripts answer, read back: the facts as HostFacts, a drive as a FileSystem,
 * a script's error as the errno core reads for a local file, and stderr without PowerShell's
 * CLIXML wrapping (a non-interactive powershell.exe writes its error and progress records so).
 */
import type { FileSystem, HostFacts } from '../target';
import type { PsError } from '../powershell/result';

/** The facts the Windows shell keeps for itself besides HostFacts. */
export interface WindowsFacts {
  host: HostFacts;
  /** The account's temporary folder (ends with a backslash), where long scripts travel as files. */
  temp: string;
  powershell: string;
}

const ARCHES: Record<string, string> = { AMD64: 'x64', X86: 'ia32', ARM64: 'arm64', ARM: 'arm' };

/** The facts from the facts script's data; undefined when the data is not theirs. */
export function parseWindowsFacts(data: unknown): WindowsFacts | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (d.windows !== true || typeof d.osVersion !== 'string' || typeof d.elevated !== 'boolean') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const arch = text(d.arch).toUpperCase();
  const host: HostFacts = {
    hostname: text(d.hostname),
    platform: 'win32',
    arch: ARCHES[arch] ?? arch.toLowerCase(),
    osName: text(d.osName) || 'Windows',
    osVersion: d.osVersion,
    homeDir: text(d.home),
    elevated: d.elevated,
    ...(text(d.recordDir) ? { recordDir: text(d.recordDir) } : {}),
    ...(typeof d.dotNetRelease === 'number' ? { dotNetRelease: d.dotNetRelease } : {}),
  };
  return { host, temp: text(d.temp), powershell: text(d.powershell) };
}

/** Win32_LogicalDisk.DriveType as the Target's file-system kind. */
export function fileSystemOfDrive(driveType: number, name: string): FileSystem {
  if (driveType === 3 || driveType === 6) return { name, kind: 'local' };
  if (driveType === 4) return { name: name || 'network drive', kind: 'network' };
  if (driveType === 2 || driveType === 5) return { name: name || 'removable drive', kind: 'removable' };
  return { name, kind: 'unknown' };
}

/** HRESULTs of the Win32 errors a file operation names (0x8007xxxx). */
const BY_HRESULT: Record<number, string> = {
  [0x80070002 | 0]: 'ENOENT',
  [0x80070003 | 0]: 'ENOENT',
  [0x80070005 | 0]: 'EACCES',
  [0x80070020 | 0]: 'EBUSY',
  [0x80070050 | 0]: 'EEXIST',
  [0x800700b7 | 0]: 'EEXIST',
  [0x80070070 | 0]: 'ENOSPC',
  [0x80070027 | 0]: 'ENOSPC',
  [0x80070013 | 0]: 'EROFS',
  [0x80070091 | 0]: 'ENOTEMPTY',
};

/** The errno a script's error stands for: by HRESULT, else by the exception's type. */
export function errnoOfPsError(error: PsError): string {
  const byCode = error.hresult !== undefined ? BY_HRESULT[error.hresult] : undefined;
  if (byCode) return byCode;
  const type = error.exception ?? '';
  if (/UnauthorizedAccess|SecurityException/.test(type)) return 'EACCES';
  if (/FileNotFound|DirectoryNotFound|ItemNotFound|DriveNotFound/.test(type) || /PathNotFound/.test(error.id)) return 'ENOENT';
  return 'EIO';
}

const XML_ESCAPES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };

/**
 * stderr as text: CLIXML error records (`#< CLIXML` then `<Objs>…<S S="Error">…</S>`) become
 * their lines, progress records are dropped; other text is kept as it came.
 */
export function plainStderr(stderr: string): string {
  if (!stderr.includes('#< CLIXML')) return stderr;
  const lines: string[] = [];
  for (const part of stderr.split(/\r?\n/)) {
    if (part === '#< CLIXML') continue;
    if (!part.startsWith('<Objs')) {
      lines.push(part);
      continue;
    }
    const errors = [...part.matchAll(/<S S="Error">([^<]*)<\/S>/g)].map((m) =>
      m[1]!
        .replace(/_x([0-9A-F]{4})_/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        .replace(/&(lt|gt|quot|apos|amp);/g, (e) => XML_ESCAPES[e]!),
    );
    lines.push(errors.join('').replace(/\r?\n$/, ''));
  }
  return lines.filter((l, i, all) => l !== '' || i < all.length - 1).join('\n');
}

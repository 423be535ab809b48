/**
 * What the agent's prerequisites and the cache folder need to know of a Windows server: free
 * space and drive type of the cache folder's drive (Win32_LogicalDisk), whether this session is
 * elevated (the token's Administrators group is enabled only when elevated), the OS version and
 * the .NET Framework 4 release number (agent facts §3).
 */
import { ps } from '../../../target/powershell/code';
import { psScript, type PsScript } from '../../../target/powershell/script';
import { requireLocalWindowsPath } from './folders';

export function factsScript(cacheFolder: string): PsScript {
  const folder = requireLocalWindowsPath(cacheFolder, 'The cache folder');
  // The drive is matched in PowerShell, not put in a WQL filter: no value is parsed twice.
  return psScript(ps`$os = Get-CimInstance -ClassName Win32_OperatingSystem
$drive = Split-Path -Path ${folder} -Qualifier
$disk = Get-CimInstance -ClassName Win32_LogicalDisk | Where-Object { $_.DeviceID -eq $drive } | Select-Object -First 1
$principal = New-Object System.Security.Principal.WindowsPrincipal ([System.Security.Principal.WindowsIdentity]::GetCurrent())
$ndp = Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full' -ErrorAction SilentlyContinue
$data = @{
  hostname = [System.Environment]::MachineName
  arch = [string]$env:PROCESSOR_ARCHITECTURE
  osCaption = [string]$os.Caption
  osVersion = [string]$os.Version
  elevated = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
  dotNetRelease = if ($ndp) { [int]$ndp.Release } else { $null }
  drive = if ($disk) { @{ deviceId = [string]$disk.DeviceID; driveType = [int]$disk.DriveType; freeBytes = [double]$disk.FreeSpace; totalBytes = [double]$disk.Size } } else { $null }
}`);
}

/** Win32_LogicalDisk.DriveType: 2 removable, 3 local disk, 4 network, 5 CD, 6 RAM disk. */
export type DriveKind = 'local' | 'network' | 'removable' | 'other';

export interface WindowsFacts {
  hostname: string;
  osCaption: string;
  osVersion: string;
  /** PROCESSOR_ARCHITECTURE: AMD64, ARM64, x86. */
  arch?: string;
  elevated: boolean;
  /** The .NET Framework 4 `Release` value; undefined when 4.x is not installed. */
  dotNetRelease?: number;
  drive?: { deviceId: string; kind: DriveKind; freeBytes: number; totalBytes: number };
}

const KINDS: Record<number, DriveKind> = { 2: 'removable', 3: 'local', 4: 'network' };

/** The facts from the script's result data; undefined when it does not have their shape. */
export function parseWindowsFacts(data: unknown): WindowsFacts | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.osVersion !== 'string' || typeof d.elevated !== 'boolean') return undefined;
  const facts: WindowsFacts = { hostname: String(d.hostname ?? ''), osCaption: String(d.osCaption ?? ''), osVersion: d.osVersion, elevated: d.elevated };
  if (typeof d.arch === 'string' && d.arch !== '') facts.arch = d.arch;
  if (typeof d.dotNetRelease === 'number') facts.dotNetRelease = d.dotNetRelease;
  const drive = d.drive as Record<string, unknown> | null | undefined;
  if (drive && typeof drive.driveType === 'number' && typeof drive.freeBytes === 'number' && typeof drive.totalBytes === 'number') {
    facts.drive = { deviceId: String(drive.deviceId ?? ''), kind: KINDS[drive.driveType] ?? 'other', freeBytes: drive.freeBytes, totalBytes: drive.totalBytes };
  }
  return facts;
}

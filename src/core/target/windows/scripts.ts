/**
 * The PowerShell scripts of the Windows remote shell (over SSH and on this machine): host facts,
 * running a program, and the file operations SFTP or node:fs cannot do with Windows' meaning
 * (private ACLs, an atomic replace, a recursive remove, the drive's kind and space). Every value
 * is a literal made by the `ps` tag; file contents (secrets among them) come on stdin.
 */
import { ps, psLines, type PsCode } from '../powershell/code';
import { psScript, stdinVar, type PsScript } from '../powershell/script';
import { PID_MARKER } from '../preamble';
import { windowsCommandLine } from './arguments';

/** Printed on stderr by the run script when the program is not there; it then exits NOT_FOUND_EXIT. */
export const NOT_FOUND_MARKER = '@@BackupAgentSetup.NotFound@@';
/** cmd.exe's own exit code for a command it cannot find. */
export const NOT_FOUND_EXIT = 9009;

/**
 * Host facts. "Elevated" is IsInRole(Administrators): under UAC the filtered token holds that
 * group for deny only, so it is true only with the elevated token. The .NET Framework 4 release
 * is the Release DWORD of the NDP v4 Full key (absent: no 4.5 or later).
 */
export function factsScript(): PsScript {
  return psScript(ps`$os = Get-CimInstance -ClassName Win32_OperatingSystem
$principal = New-Object System.Security.Principal.WindowsPrincipal ([System.Security.Principal.WindowsIdentity]::GetCurrent())
$ndp = Get-ItemProperty -LiteralPath 'HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full' -ErrorAction SilentlyContinue
$arch = if ($env:PROCESSOR_ARCHITEW6432) { $env:PROCESSOR_ARCHITEW6432 } else { $env:PROCESSOR_ARCHITECTURE }
$data = @{
  windows = $true
  hostname = [System.Environment]::MachineName
  arch = [string]$arch
  osName = [string]$os.Caption
  osVersion = [string]$os.Version
  home = [string]$env:USERPROFILE
  temp = [System.IO.Path]::GetTempPath()
  elevated = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
  recordDir = [string]$env:BACKUP_AGENT_RECORD_DIR
  dotNetRelease = if ($ndp -and $ndp.Release) { [int]$ndp.Release } else { $null }
  powershell = $PSVersionTable.PSVersion.ToString()
}`);
}

export interface RunSpec {
  command: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
  cwd?: string;
}

/**
 * Runs a program with the script's own standard handles (so stdin reaches it, and its output is
 * the session's), through ProcessStartInfo with the arguments joined by the C runtime's rules.
 * It prints its process id on stderr first, marked (preamble.ts): a time-out or an abort stops
 * that process tree.
 * Not a psScript: the program's output and exit code are the result, not a result line.
 */
export function runScript(spec: RunSpec): PsCode {
  const env = Object.entries(spec.env ?? {}).map(([name, value]) => ps`$start.EnvironmentVariables[${name}] = ${value}`);
  return psLines(
    ps`$ErrorActionPreference = 'Stop'`,
    ps`[Console]::Error.WriteLine(${PID_MARKER} + [string]$PID)`,
    ps`$command = Get-Command -Name ${spec.command} -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1`,
    ps`if (-not $command) { [Console]::Error.WriteLine(${NOT_FOUND_MARKER}); exit ${NOT_FOUND_EXIT} }`,
    ps`$start = New-Object System.Diagnostics.ProcessStartInfo`,
    ps`$start.FileName = $command.Source`,
    ps`$start.Arguments = ${windowsCommandLine(spec.args)}`,
    ps`$start.UseShellExecute = $false`,
    spec.cwd !== undefined && ps`$start.WorkingDirectory = ${spec.cwd}`,
    ...env,
    ps`$process = [System.Diagnostics.Process]::Start($start)`,
    ps`$process.WaitForExit()`,
    ps`exit $process.ExitCode`,
  );
}

/**
 * MoveFileEx: a rename that replaces an existing file atomically (MOVEFILE_REPLACE_EXISTING) and
 * keeps the moved file's own ACL (File.Replace would merge in the old file's). A failure throws
 * the exception its Win32 error maps to, so the errno reads from its HRESULT.
 */
const MOVE_FILE = ps`Add-Type -Namespace BackupAgentSetup -Name NativeFile -MemberDefinition '[DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)] public static extern bool MoveFileEx(string from, string to, int flags);'
function Move-File($from, $to, $flags) {
  if (-not [BackupAgentSetup.NativeFile]::MoveFileEx($from, $to, $flags)) {
    [System.Runtime.InteropServices.Marshal]::ThrowExceptionForHR([System.Runtime.InteropServices.Marshal]::GetHRForLastWin32Error())
  }
}`;
/** MOVEFILE_REPLACE_EXISTING (1) | MOVEFILE_WRITE_THROUGH (8). */
const REPLACE = 9;
const NO_REPLACE = 8;

/**
 * Defines New-PrivateSecurity, the ACL of a private file or folder: the owner, SYSTEM (S-1-5-18)
 * and Administrators (S-1-5-32-544) with full control, nothing inherited from the folder above.
 * Set when the file or folder is created, so no byte is ever readable under the parent's ACL.
 */
export const PRIVATE_SECURITY = ps`function New-PrivateSecurity($security, $inherit) {
  $owner = [System.Security.Principal.WindowsIdentity]::GetCurrent().User
  $security.SetAccessRuleProtection($true, $false)
  $security.SetOwner($owner)
  foreach ($sid in @($owner, (New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-18'), (New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-32-544'))) {
    $security.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule $sid, 'FullControl', $inherit, 'None', 'Allow'))
  }
  $security
}`;

/**
 * A private file: created under a temporary name in the same folder with its private ACL already
 * set (CreateNew, so nothing else's file is reused), the content (base64 on stdin) written and
 * flushed to disk, then moved to its name: replacing atomically, or failing when it exists.
 */
export function writePrivateScript(file: string, options: { exclusive: boolean }): PsScript {
  return psScript(
    psLines(
      MOVE_FILE,
      PRIVATE_SECURITY,
      ps`$target = ${file}
$temporary = $target + '.' + [guid]::NewGuid().ToString('N') + '.tmp'
$security = New-PrivateSecurity (New-Object System.Security.AccessControl.FileSecurity) 'None'
$bytes = [Convert]::FromBase64String(${stdinVar('content')})
$stream = New-Object System.IO.FileStream ($temporary, [System.IO.FileMode]::CreateNew, [System.Security.AccessControl.FileSystemRights]::FullControl, [System.IO.FileShare]::None, 4096, [System.IO.FileOptions]::WriteThrough, $security)
try {
  $stream.Write($bytes, 0, $bytes.Length)
  $stream.Flush($true)
} finally { $stream.Dispose() }
try { Move-File $temporary $target ${options.exclusive ? NO_REPLACE : REPLACE} } catch { Remove-Item -LiteralPath $temporary -Force -ErrorAction SilentlyContinue; throw }`,
    ),
    { content: 'text' },
  );
}

/** mkdir -p whose new folders get the private ACL, inherited by what is made in them. */
export function mkdirPrivateScript(folder: string): PsScript {
  return psScript(
    psLines(
      PRIVATE_SECURITY,
      ps`$missing = @()
for ($at = [System.IO.Path]::GetFullPath(${folder}); $at -and -not (Test-Path -LiteralPath $at); $at = Split-Path -Path $at -Parent) { $missing = @($at) + $missing }
foreach ($dir in $missing) {
  $security = New-PrivateSecurity (New-Object System.Security.AccessControl.DirectorySecurity) 'ContainerInherit, ObjectInherit'
  [void][System.IO.Directory]::CreateDirectory($dir, $security)
}`,
    ),
  );
}

/** A rename that replaces `to` atomically (MoveFileEx). */
export function renameScript(from: string, to: string): PsScript {
  return psScript(psLines(MOVE_FILE, ps`Move-File ${from} ${to} ${REPLACE}`));
}

/** A second name for a file (a hard link), failing when `file` exists. */
export function linkScript(existing: string, file: string): PsScript {
  return psScript(ps`[void](New-Item -ItemType HardLink -Path ${file} -Value ${existing})`);
}

/**
 * rm -rf. Directory.Delete removes a junction or symbolic link inside the tree as a link,
 * never what it points to (Remove-Item -Recurse in Windows PowerShell 5.1 can follow one).
 */
export function removeTreeScript(folder: string): PsScript {
  return psScript(ps`$item = Get-Item -LiteralPath ${folder} -Force -ErrorAction SilentlyContinue
if ($item -is [System.IO.DirectoryInfo]) { [System.IO.Directory]::Delete($item.FullName, $true) }
elseif ($item) { [System.IO.File]::Delete($item.FullName) }`);
}

/**
 * The drive `file` is on (Win32_LogicalDisk): its type (2 removable, 3 local, 4 network, 5 CD,
 * 6 RAM disk), file system, free and total bytes. A share path (\\server\share) is a network
 * location with no logical disk. A volume mounted in a folder is read as the drive it is on.
 */
export function volumeScript(file: string): PsScript {
  return psScript(ps`$full = [System.IO.Path]::GetFullPath(${file})
if ($full.StartsWith('\\\\')) { $data = @{ driveType = 4; fileSystem = 'SMB'; freeBytes = $null; totalBytes = $null } }
else {
  $drive = $full.Substring(0, 2).ToUpperInvariant()
  $disk = Get-CimInstance -ClassName Win32_LogicalDisk | Where-Object { $_.DeviceID -eq $drive } | Select-Object -First 1
  if (-not $disk) { throw (New-Object System.IO.DriveNotFoundException ('No drive ' + $drive)) }
  $data = @{ driveType = [int]$disk.DriveType; fileSystem = [string]$disk.FileSystem; freeBytes = [double]$disk.FreeSpace; totalBytes = [double]$disk.Size }
}`);
}

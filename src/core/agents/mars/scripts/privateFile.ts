/**
 * A private file on a Windows server. A file made over SFTP inherits its folder's ACL, so the
 * file is created by PowerShell with its ACL already set (owner, SYSTEM and Administrators
 * full control; inheritance removed) before any byte is written; the content comes on stdin;
 * it then takes the final name by MoveFileEx, a rename that keeps the new file's own ACL and
 * replaces atomically (File.Replace would merge in the old file's ACL).
 */
import { ps } from '../../../target/powershell/code';
import { psScript, stdinVar, type PsScript } from '../../../target/powershell/script';
import { privateAcl } from './acl';
import { requireLocalWindowsPath } from './folders';

/** MOVEFILE_REPLACE_EXISTING (1) | MOVEFILE_WRITE_THROUGH (8); without 1 an existing file is kept and the move fails. */
const REPLACE = 9;
const NO_REPLACE = 8;

export function privateFileScript(file: string, options: { replace: boolean }): PsScript {
  const target = requireLocalWindowsPath(file, 'The private file');
  return psScript(
    ps`$target = ${target}
$temporary = $target + '.' + [guid]::NewGuid().ToString('N') + '.tmp'
${privateAcl('file')}
$stream = [System.IO.File]::Create($temporary, 4096, [System.IO.FileOptions]::WriteThrough, $acl)
try {
  $bytes = (New-Object System.Text.UTF8Encoding $false).GetBytes(${stdinVar('content')})
  $stream.Write($bytes, 0, $bytes.Length)
  $stream.Flush($true)
} finally { $stream.Dispose() }
Add-Type -Namespace BackupAgentSetup -Name NativeFile -MemberDefinition '[DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)] public static extern bool MoveFileEx(string from, string to, int flags);'
if (-not [BackupAgentSetup.NativeFile]::MoveFileEx($temporary, $target, ${options.replace ? REPLACE : NO_REPLACE})) {
  $code = [System.Runtime.InteropServices.Marshal]::GetLastWin32Error()
  Remove-Item -LiteralPath $temporary -Force -ErrorAction SilentlyContinue
  throw (New-Object System.ComponentModel.Win32Exception $code)
}`,
    { content: 'text' },
  );
}

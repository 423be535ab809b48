/**
 * Moving the agent's cache (scratch) folder, as the vendor documents it (agent facts §5;
 * MicrosoftDocs azure-docs backup-azure-file-folder-backup-faq.md, "How do I change the cache
 * location for the MARS agent?"): stop the backup engine (obengine), copy (not move) the folder,
 * point both ScratchLocation registry values at the copy, start the engine again. The old folder
 * is left for the admin to delete once backups run.
 */
import { ps } from '../../../target/powershell/code';
import { psScript, type PsScript } from '../../../target/powershell/script';
import { requireLocalWindowsPath } from './folders';

export function moveCacheScript(from: string, to: string): PsScript {
  const source = requireLocalWindowsPath(from, 'The cache folder');
  const destination = requireLocalWindowsPath(to, 'The new cache folder');
  return psScript(ps`$from = ${source}
$to = ${destination}
Stop-Service -Name 'obengine'
try {
  New-Item -ItemType Directory -Path $to -Force | Out-Null
  Copy-Item -Path (Join-Path -Path $from -ChildPath '*') -Destination $to -Recurse -Force
  foreach ($key in @('HKLM:\\SOFTWARE\\Microsoft\\Windows Azure Backup\\Config', 'HKLM:\\SOFTWARE\\Microsoft\\Windows Azure Backup\\Config\\CloudBackupProvider')) {
    Set-ItemProperty -LiteralPath $key -Name 'ScratchLocation' -Value $to
  }
} finally {
  Start-Service -Name 'obengine'
}
$data = @{ cacheFolder = $to }`);
}

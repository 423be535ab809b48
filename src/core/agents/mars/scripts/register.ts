/**
 * Registering with the vault. The credentials file holds a private key, so it never travels as
 * a file: its bytes come on stdin (base64) and is written into a private folder (./acl.ts) made for this
 * run under the account's temporary folder; Start-OBRegistration gets its absolute path
 * (relative paths fail, ARM facts §4) and the folder is removed whatever happens. The name keeps
 * the `.VaultCredentials` extension the agent insists on (agent facts §1e).
 */
import { ps, psLines } from '../../../target/powershell/code';
import { psScript, stdinVar, type PsScript } from '../../../target/powershell/script';
import { PRIVATE_SECURITY } from '../../../target/windows/scripts';
import { importMarsModule } from './module';

/** The run's own folder under the temporary folder: `backup-agent-setup-<uuid>`. */
export interface RegistrationFolder {
  folderName: string;
  fileName: string;
}

const FOLDER = /^backup-agent-setup-[0-9a-f-]{36}$/;

export function requireRegistrationFolder(folder: RegistrationFolder): RegistrationFolder {
  if (!FOLDER.test(folder.folderName)) throw Object.assign(new Error(`Not a registration folder name: ${folder.folderName}`), { code: 'EINVAL' });
  if (!/\.VaultCredentials$/i.test(folder.fileName) || /[\\/:*?"<>|\p{Cc}]/u.test(folder.fileName)) {
    throw Object.assign(new Error(`Not a vault credentials file name: ${folder.fileName}`), { code: 'EINVAL' });
  }
  return folder;
}

/** Where the run's folder is, as PowerShell code (the account's temporary folder is only known there). */
function folderPath(folderName: string) {
  return ps`$folder = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ${folderName}`;
}

export function registerScript(installFolder: string, run: RegistrationFolder): PsScript {
  const { folderName, fileName } = requireRegistrationFolder(run);
  return psScript(
    psLines(
      importMarsModule(installFolder),
      folderPath(folderName),
      PRIVATE_SECURITY,
      ps`$acl = New-PrivateSecurity (New-Object System.Security.AccessControl.DirectorySecurity) 'ContainerInherit, ObjectInherit'
[System.IO.Directory]::CreateDirectory($folder, $acl) | Out-Null
try {
  $file = Join-Path -Path $folder -ChildPath ${fileName}
  [System.IO.File]::WriteAllBytes($file, [System.Convert]::FromBase64String(${stdinVar('credentials')}))
  $output = Start-OBRegistration -VaultCredentials $file -Confirm:$false 6>&1 | Out-String
  $data = @{ output = $output; moduleVersion = [string](Get-Module -Name MSOnlineBackup).Version }
} finally {
  Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
}`,
    ),
    { credentials: 'text' },
  );
}

/** Removes the run's folder when the registering script could not (it never started, or the connection dropped). */
export function removeRegistrationFolderScript(run: RegistrationFolder): PsScript {
  const { folderName } = requireRegistrationFolder(run);
  return psScript(psLines(folderPath(folderName), ps`if (Test-Path -LiteralPath $folder) { Remove-Item -LiteralPath $folder -Recurse -Force }`));
}

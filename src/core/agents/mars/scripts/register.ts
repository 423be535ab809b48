/** Registering with the vault: the credentials file by absolute path (relative paths fail, ARM facts §4). */
import { ps, psLines } from '../../../target/powershell/code';
import { psScript, type PsScript } from '../../../target/powershell/script';
import { requireLocalWindowsPath } from './folders';
import { importMarsModule } from './module';

export function registerScript(installFolder: string, credentialsFile: string): PsScript {
  const file = requireLocalWindowsPath(credentialsFile, 'The vault credentials file');
  return psScript(
    psLines(
      importMarsModule(installFolder),
      ps`$registration = Start-OBRegistration -VaultCredentials ${file} -Confirm:$false`,
      ps`$data = @{ output = ($registration | Out-String) }`,
    ),
  );
}

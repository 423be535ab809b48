/** The agent's settings as it reports them (Get-OBMachineSetting), and whether its module is installed. */
import { ps, psLines } from '../../../target/powershell/code';
import { psScript, type PsScript } from '../../../target/powershell/script';
import { requireLocalWindowsPath } from './folders';
import { importMarsModule } from './module';

export function statusScript(installFolder: string): PsScript {
  return psScript(psLines(importMarsModule(installFolder), ps`$data = Get-OBMachineSetting | Select-Object -Property *`));
}

/** The MSOnlineBackup module's version from the install folder, or null when it is not there (not installed). */
export function moduleVersionScript(installFolder: string): PsScript {
  const folder = requireLocalWindowsPath(installFolder, 'The install folder');
  return psScript(ps`$module = Join-Path -Path ${folder} -ChildPath 'bin\\Modules\\MSOnlineBackup'
if (Test-Path -LiteralPath $module) {
  $data = @{ version = [string](Import-Module -Name $module -PassThru -ErrorAction Stop).Version }
} else {
  $data = @{ version = $null }
}`);
}

/** The agent's settings as it reports them (Get-OBMachineSetting), for the status view. */
import { ps, psLines } from '../../../target/powershell/code';
import { psScript, type PsScript } from '../../../target/powershell/script';
import { importMarsModule } from './module';

export function statusScript(installFolder: string): PsScript {
  return psScript(psLines(importMarsModule(installFolder), ps`$data = Get-OBMachineSetting | Select-Object -Property *`));
}

/**
 * Running MARSAgentInstaller.exe unattended (agent facts §3): `/q /nu /p:"install" /s:"cache"`,
 * `/m` when the admin opts in to Microsoft Update. Never `/pw`: the proxy is set afterwards
 * with Set-OBMachineSetting and a SecureString (./proxy.ts), so no password is in the process list.
 * The signature is checked in the same script, just before the installer starts (./signature.ts).
 */
import { ps, type PsCode } from '../../../target/powershell/code';
import { psScript, type PsScript } from '../../../target/powershell/script';
import { requireLocalWindowsPath } from './folders';
import { requireMicrosoftSignature } from './signature';

export interface MarsInstall {
  installer: string;
  installFolder: string;
  cacheFolder: string;
  microsoftUpdate: boolean;
}

/** The word an installer's failing exit starts with, which errors.ts maps to its code. */
export const INSTALLER_FAILED = 'MarsInstallerFailed';

/** Uninstalling (`/d /q`) shares the runner. */
function runInstaller(installer: string, switches: PsCode): PsCode {
  const exe = requireLocalWindowsPath(installer, 'The installer');
  return ps`$installer = ${exe}
${requireMicrosoftSignature(ps`$installer`)}
$arguments = ${switches}
$process = Start-Process -FilePath $installer -ArgumentList $arguments -Wait -PassThru -WindowStyle Hidden
$data = @{ exitCode = $process.ExitCode }
if ($process.ExitCode -ne 0) { throw (${INSTALLER_FAILED} + ': MARSAgentInstaller.exe ended with exit code ' + $process.ExitCode) }`;
}

export function installScript(install: MarsInstall): PsScript {
  const folder = requireLocalWindowsPath(install.installFolder, 'The install folder');
  const cache = requireLocalWindowsPath(install.cacheFolder, 'The cache folder');
  const update = install.microsoftUpdate ? ps` + ' /m'` : ps``;
  return psScript(runInstaller(install.installer, ps`'/q /nu /p:"' + ${folder} + '" /s:"' + ${cache} + '"'${update}`));
}

export function uninstallScript(installer: string): PsScript {
  return psScript(runInstaller(installer, ps`'/d /q'`));
}

/** The agent's PowerShell module: the installer does not add it to PSModulePath (ARM facts §4). */
import { ps, type PsCode } from '../../../target/powershell/code';
import { requireLocalWindowsPath } from './folders';

export function importMarsModule(installFolder: string): PsCode {
  const folder = requireLocalWindowsPath(installFolder, 'The install folder');
  return ps`Import-Module -Name (Join-Path -Path ${folder} -ChildPath 'bin\\Modules\\MSOnlineBackup') -ErrorAction Stop`;
}

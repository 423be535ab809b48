/**
 * An ACL for what holds a secret on a Windows server: owner, SYSTEM and Administrators with full
 * control, inheritance from the parent removed. Set when the file or folder is created, so no
 * byte is ever readable under the parent's ACL (a file made over SFTP would inherit it).
 */
import { ps, type PsCode } from '../../../target/powershell/code';

/** Leaves the ACL in `$acl`; a folder's rules are inherited by what is created in it. */
export function privateAcl(kind: 'file' | 'folder'): PsCode {
  const security = kind === 'file' ? ps`System.Security.AccessControl.FileSecurity` : ps`System.Security.AccessControl.DirectorySecurity`;
  const inheritance = kind === 'file' ? 'None' : 'ContainerInherit, ObjectInherit';
  return ps`$owner = [System.Security.Principal.WindowsIdentity]::GetCurrent().User
$acl = New-Object ${security}
$acl.SetAccessRuleProtection($true, $false)
$acl.SetOwner($owner)
foreach ($sid in @($owner, (New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-18'), (New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-32-544'))) {
  $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule $sid, 'FullControl', ${inheritance}, 'None', 'Allow'))
}`;
}

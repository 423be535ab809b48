/**
 * The installer runs only with a valid Authenticode signature whose signer is Microsoft
 * Corporation (issue 14, agent facts §3). Checked by the script that runs it, right before it
 * runs, so no file swapped in after a separate check can run.
 */
import { ps, type PsCode } from '../../../target/powershell/code';

/** The word the refusal starts with, which errors.ts maps to its code. */
export const SIGNATURE_REFUSED = 'MarsInstallerSignatureInvalid';

/** PowerShell that throws unless `file` (a literal or a variable) is signed by Microsoft Corporation. */
export function requireMicrosoftSignature(file: PsCode): PsCode {
  return ps`$signature = Get-AuthenticodeSignature -FilePath ${file}
if ($signature.Status -ne 'Valid') { throw (${SIGNATURE_REFUSED} + ': the signature status is ' + $signature.Status) }
$signer = [string]$signature.SignerCertificate.Subject
if ($signer -notmatch '(^|,\\s*)O="?Microsoft Corporation"?\\s*(,|$)') { throw (${SIGNATURE_REFUSED} + ': signed by ' + $signer) }`;
}

/**
 * A whole script: what it reads from stdin, its body, and the one result line it prints. Secrets
 * reach the script only as a JSON object on stdin, read with [Console]::In, and become
 * SecureString (or stay in a variable when a cmdlet takes a plain string, like the security
 * PIN); they are never in the script text, the command line or a file.
 */
import type { Secret } from '../../secret';
import { ps, psLines, psName, type PsCode } from './code';
import { RESULT_MARKER } from './result';

/** How a stdin value is held in the script: a SecureString, or a string for cmdlets that take one. */
export type StdinKind = 'secure' | 'text';

export interface PsScript {
  readonly code: PsCode;
  /** The names the script reads from the stdin JSON object; stdinFor must give exactly these. */
  readonly stdin: readonly string[];
}

/** The script variable that holds stdin value `name` (made by the script's prelude). */
export function stdinVar(name: string): PsCode {
  return ps`$in_${psName(name)}`;
}

/**
 * The script: stop on every error, no progress records; stdin values into their
 * variables (the parsed object dropped at once); the body, which leaves what it found in $data;
 * then one ASCII line `RESULT_MARKER{json}` with ok and data, or the error's id, message, category and
 * HRESULT, and exit status 0 or 1.
 */
export function psScript(body: PsCode, stdin: Readonly<Record<string, StdinKind>> = {}): PsScript {
  const names = Object.keys(stdin);
  const reads = names.map((name) =>
    stdin[name] === 'secure'
      ? ps`${stdinVar(name)} = ConvertTo-SecureString -String ([string]$stdin.${psName(name)}) -AsPlainText -Force`
      : ps`${stdinVar(name)} = [string]$stdin.${psName(name)}`,
  );
  const code = psLines(
    ps`$ErrorActionPreference = 'Stop'`,
    ps`$ProgressPreference = 'SilentlyContinue'`,
    // Non-ASCII is escaped (\uXXXX) so the line reads the same whatever the console's code page.
    ps`function Send-Result($r) { $json = ConvertTo-Json -InputObject $r -Compress -Depth 6; [Console]::Out.WriteLine(${RESULT_MARKER} + [regex]::Replace($json, '[^\\x00-\\x7F]', { param($m) '\\u{0:x4}' -f [int][char]$m.Value })) }`,
    ps`$data = $null`,
    ps`try {`,
    names.length > 0 && ps`$stdin = [Console]::In.ReadToEnd() | ConvertFrom-Json`,
    ...reads,
    names.length > 0 && ps`$stdin = $null`,
    body,
    ps`} catch {`,
    ps`$e = $_`,
    ps`Send-Result @{ ok = $false; errorId = [string]$e.FullyQualifiedErrorId; message = [string]$e.Exception.Message; category = [string]$e.CategoryInfo.Category; hresult = $e.Exception.HResult; exception = $e.Exception.GetType().FullName }`,
    ps`exit 1`,
    ps`}`,
    ps`Send-Result @{ ok = $true; data = $data }`,
    ps`exit 0`,
  );
  return { code, stdin: names };
}

/**
 * The stdin for `script`: a JSON object with exactly the names it reads. Non-ASCII is written as
 * \u escapes so the console's input code page cannot alter a secret.
 */
export function stdinFor(script: PsScript, values: Readonly<Record<string, Secret>>): string {
  const given = Object.keys(values).sort();
  const wanted = [...script.stdin].sort();
  if (given.join('\0') !== wanted.join('\0')) {
    throw Object.assign(new Error(`The script reads ${wanted.join(', ') || 'nothing'} from stdin, not ${given.join(', ') || 'nothing'}`), { code: 'EINVAL' });
  }
  const object = Object.fromEntries(Object.entries(values).map(([name, secret]) => [name, secret.reveal()]));
  return JSON.stringify(object).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}

/**
 * How a PowerShell script reaches a Windows machine: as `powershell.exe … -EncodedCommand` (base64
 * of UTF-16LE, so no quoting by cmd.exe or PowerShell is involved), or, past cmd.exe's cap on a
 * command line, as a script file run with -File. Scripts carry no secret (they come on stdin), so
 * either way is safe to send. The same words are the argv of a local powershell.exe and, joined,
 * the command line Windows OpenSSH hands its default shell (cmd.exe, powershell.exe or pwsh).
 */
import type { PsCode } from './code';

/** cmd.exe, the default shell of Windows OpenSSH, refuses longer command lines (8,192 with the NUL). */
export const CMD_LINE_CAP = 8191;

/** Windows PowerShell 5.1, in every Windows Server since 2016; the scripts use .NET Framework APIs. */
export const POWERSHELL_EXE = 'powershell.exe';
const COMMON = ['-NoProfile', '-NonInteractive'];

export function encodeCommand(script: PsCode): string {
  return Buffer.from(script.text, 'utf16le').toString('base64');
}

export function decodeCommand(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

/** powershell.exe's arguments for a script given inline. */
export function encodedCommandArgs(script: PsCode): string[] {
  return [...COMMON, '-EncodedCommand', encodeCommand(script)];
}

/**
 * What a script file's path may not hold: `"` ends the quoted word, `%` and `!` expand in
 * cmd.exe, `$` and the backtick in a PowerShell default shell's double quotes.
 */
const UNSAFE_IN_LINE = /["%!$`\p{Cc}]/u;

/**
 * powershell.exe's arguments for a script file. The execution policy is bypassed for this process
 * only: the file is the one just written, and RemoteSigned would refuse nothing here anyway.
 */
export function fileArgs(file: string): string[] {
  if (UNSAFE_IN_LINE.test(file)) throw Object.assign(new Error(`A script file path cannot go on a command line: ${file}`), { code: 'EINVAL' });
  return [...COMMON, '-ExecutionPolicy', 'Bypass', '-File', file];
}

/** The command line for powershell.exe with these arguments: a word with a space in double quotes (fileArgs refuses what else would need quoting). */
export function powershellLine(args: readonly string[]): string {
  return [POWERSHELL_EXE, ...args].map((word) => (/\s/.test(word) ? `"${word}"` : word)).join(' ');
}

/** The command line, whatever its length (see commandPlan for the cap). */
export function encodedCommandLine(script: PsCode): string {
  return powershellLine(encodedCommandArgs(script));
}

export type CommandPlan =
  | { via: 'commandLine'; commandLine: string }
  /** Too long for cmd.exe: the script must travel as a file (it holds no secret) and run with -File. */
  | { via: 'file'; script: PsCode; commandLineLength: number };

export function commandPlan(script: PsCode): CommandPlan {
  const commandLine = encodedCommandLine(script);
  return commandLine.length <= CMD_LINE_CAP ? { via: 'commandLine', commandLine } : { via: 'file', script, commandLineLength: commandLine.length };
}

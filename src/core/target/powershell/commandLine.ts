/**
 * How a PowerShell script reaches a Windows server: as `powershell.exe … -EncodedCommand` (base64
 * of UTF-16LE, so no quoting by cmd.exe or PowerShell is involved), or, past cmd.exe's cap on a
 * command line, as a script file. Scripts carry no secret (they come on stdin), so either way
 * is safe to send.
 */
import type { PsCode } from './code';

/** cmd.exe, the default shell of Windows OpenSSH, refuses longer command lines (8,192 with the NUL). */
export const CMD_LINE_CAP = 8191;

const POWERSHELL = 'powershell.exe -NoProfile -NonInteractive -EncodedCommand ';

export function encodeCommand(script: PsCode): string {
  return Buffer.from(script.text, 'utf16le').toString('base64');
}

export function decodeCommand(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

/** The command line, whatever its length (see commandPlan for the cap). */
export function encodedCommandLine(script: PsCode): string {
  return POWERSHELL + encodeCommand(script);
}

export type CommandPlan =
  | { via: 'commandLine'; commandLine: string }
  /** Too long for cmd.exe: the script must travel as a file (it holds no secret) and run with -File. */
  | { via: 'file'; script: PsCode; commandLineLength: number };

export function commandPlan(script: PsCode): CommandPlan {
  const commandLine = encodedCommandLine(script);
  return commandLine.length <= CMD_LINE_CAP ? { via: 'commandLine', commandLine } : { via: 'file', script, commandLineLength: commandLine.length };
}

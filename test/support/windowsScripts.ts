/**
 * Every script the Windows remote shell can generate, one per branch, from the values a caller
 * gives it (the places a value enters a script), for the syntax, hostile-value and cap checks.
 * Nothing here runs PowerShell.
 */
import type { PsCode } from '../../src/core/target/powershell/code';
import { factsScript, linkScript, mkdirPrivateScript, removeTreeScript, renameScript, runScript, volumeScript, writePrivateScript } from '../../src/core/target/windows/scripts';

export interface ShellValues {
  command: string;
  arg: string;
  envName: string;
  envValue: string;
  cwd: string;
  file: string;
  other: string;
}

export const BENIGN_SHELL: ShellValues = {
  command: 'C:\\Program Files\\Backup Agent\\agent.exe',
  arg: '--json',
  envName: 'BACKUP_AGENT_MODE',
  envValue: 'check',
  cwd: 'C:\\Windows\\Temp',
  file: 'C:\\ProgramData\\BackupAgentSetup\\proxy.secret',
  other: 'C:\\ProgramData\\BackupAgentSetup\\proxy.secret.old',
};

export function allShellScripts(v: ShellValues = BENIGN_SHELL): Array<{ name: string; code: PsCode; stdin: readonly string[] }> {
  const raw = (name: string, code: PsCode) => ({ name, code, stdin: [] as string[] });
  const script = (name: string, s: { code: PsCode; stdin: readonly string[] }) => ({ name, code: s.code, stdin: s.stdin });
  return [
    script('facts', factsScript()),
    raw('run', runScript({ command: v.command, args: [v.arg] })),
    raw('run with no arguments', runScript({ command: v.command, args: [] })),
    raw('run with env and cwd', runScript({ command: v.command, args: [v.arg, 'register'], env: { [v.envName]: v.envValue }, cwd: v.cwd })),
    script('private file replacing', writePrivateScript(v.file, { exclusive: false })),
    script('private file exclusive', writePrivateScript(v.file, { exclusive: true })),
    script('private folder', mkdirPrivateScript(v.file)),
    script('rename', renameScript(v.file, v.other)),
    script('link', linkScript(v.other, v.file)),
    script('remove tree', removeTreeScript(v.file)),
    script('volume', volumeScript(v.file)),
  ];
}

/** A command line split as the Microsoft C runtime (CommandLineToArgvW) splits it. */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '\\') {
        let k = 0;
        while (line[i + k] === '\\') k++;
        if (line[i + k] === '"') {
          arg += '\\'.repeat(Math.floor(k / 2));
          if (k % 2 === 1) {
            arg += '"';
            i += k + 1;
          } else {
            i += k;
          }
        } else {
          arg += '\\'.repeat(k);
          i += k;
        }
      } else if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        arg += line[i++];
      }
    }
    args.push(arg);
  }
  return args;
}

/**
 * The Windows shell's host over a SIMULATED Windows machine (simulatedWindows.ts), without SSH:
 * each exec is the command line the SSH host would send, answered by the simulation; script
 * files go into its file map. Records every command line and script file for the checks.
 */
import { silentLogger } from '../../src/core/log';
import { powershellLine } from '../../src/core/target/powershell/commandLine';
import type { ExecOptions, ExecResult } from '../../src/core/target/ssh/channel';
import { toSftpPath } from '../../src/core/target/windows/paths';
import type { PowerShellHost } from '../../src/core/target/windows/windowsShell';
import { WindowsSimulation, type SimulationOptions } from './simulatedWindows';

export class SimulatedHost implements PowerShellHost {
  readonly label = 'simulated-windows';
  readonly logger = silentLogger;
  readonly simulation: WindowsSimulation;
  /** Script files as written, by Windows path. */
  readonly scriptFiles = new Map<string, string>();
  readonly stopped: string[] = [];

  constructor(options: SimulationOptions = {}) {
    this.simulation = new WindowsSimulation(options);
  }

  async exec(_during: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const answer = this.simulation.answer(powershellLine(args), options.stdin ?? '');
    let stderr = answer.stderr;
    if (options.preamble) {
      const newline = stderr.indexOf('\n');
      stderr = newline < 0 ? '' : stderr.slice(newline + 1);
    }
    if (typeof answer.code !== 'number') throw new Error('the simulated host without SSH neither hangs nor drops');
    return { exit: { code: answer.code }, stdout: answer.stdout, stderr };
  }

  async putScript(file: string, text: string): Promise<void> {
    this.scriptFiles.set(file, text);
    this.simulation.files.set(toSftpPath(file), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
  }

  async removeScript(file: string): Promise<void> {
    this.simulation.files.delete(toSftpPath(file));
  }

  stopTree(pid: string): void {
    this.stopped.push(pid);
  }
}

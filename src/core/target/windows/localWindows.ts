/**
 * "This server" when VS Code itself runs on Windows: node:fs and child_process for what they do
 * the same there, and the Windows shell (through a local powershell.exe) for what only Windows
 * can say or do: the facts (elevation from the token, OS, .NET), a drive's kind and space, and
 * private files and folders (their ACL). Not run here: no machine here runs Windows.
 *
 * The agent's cmdlets need an elevated administrator, and a process elevated through UAC cannot
 * take this process's redirected stdin; so while VS Code is not elevated, every change is
 * refused with WindowsNotElevated ("Run VS Code as administrator") instead of being tried.
 */
import { SetupError } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import { TargetCode } from '../codes';
import { LocalTarget } from '../local';
import type { CommandResult, FreeSpace, HostFacts, PrivacyOptions, RunOptions, Target, WriteOptions } from '../target';
import { LocalPowerShellHost } from './localHost';
import { WindowsShell } from './windowsShell';

export function notElevatedError(): SetupError {
  return new SetupError(
    TargetCode.WindowsNotElevated,
    'VS Code is not running as administrator, and setting up the agent on this Windows machine needs it. Run VS Code as administrator, then try again.',
  );
}

export class WindowsLocalTarget extends LocalTarget {
  override readonly pathStyle = 'win32' as const;
  readonly #shell: WindowsShell;

  constructor(label = 'this server', shell?: WindowsShell, logger: Logger = silentLogger) {
    super(label);
    this.#shell = shell ?? new WindowsShell(new LocalPowerShellHost(logger, label));
  }

  override facts(signal?: AbortSignal): Promise<HostFacts> {
    return this.#shell.facts(signal);
  }

  /** Reading needs no elevation; every change does. */
  async #requireElevated(): Promise<void> {
    if (!(await this.facts()).elevated) throw notElevatedError();
  }

  override async writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    await this.#requireElevated();
    if (!options.private) return super.writeFileAtomic(path, data, options);
    return this.#shell.writePrivate(path, typeof data === 'string' ? Buffer.from(data) : data, options.exclusive ?? false);
  }

  override async mkdir(path: string, options?: PrivacyOptions): Promise<void> {
    await this.#requireElevated();
    return options?.private ? this.#shell.mkdirPrivate(path) : super.mkdir(path, options);
  }

  override async rename(from: string, to: string): Promise<void> {
    await this.#requireElevated();
    return this.#shell.rename(from, to);
  }

  override async remove(path: string): Promise<void> {
    await this.#requireElevated();
    return super.remove(path);
  }

  override async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    await this.#requireElevated();
    return this.#shell.run(command, args, options);
  }

  override freeSpace(path: string): Promise<FreeSpace> {
    return this.#shell.freeSpace(path);
  }
}

/** "This server": the Windows one when this process runs on Windows, else the POSIX LocalTarget. */
export function thisMachineTarget(options: { platform?: NodeJS.Platform; label?: string; logger?: Logger; shell?: WindowsShell } = {}): Target {
  return (options.platform ?? process.platform) === 'win32' ? new WindowsLocalTarget(options.label, options.shell, options.logger) : new LocalTarget(options.label);
}

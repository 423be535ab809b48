/**
 * The Windows shell's host on this machine, when VS Code itself runs on Windows: powershell.exe as
 * a child process (its arguments passed as argv, no shell), a script file written with node:fs,
 * and a process tree stopped with taskkill. Not run here: no machine here runs Windows.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import type { Logger } from '../../log';
import { POWERSHELL_EXE } from '../powershell/commandLine';
import type { ExecOptions, ExecResult } from '../ssh/channel';
import { MAX_OUTPUT_BYTES, type StopReason } from '../target';
import { PreambleReader } from '../preamble';
import { NOT_FOUND_EXIT, NOT_FOUND_MARKER } from './scripts';
import type { PowerShellHost } from './windowsShell';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class LocalPowerShellHost implements PowerShellHost {
  constructor(
    readonly logger: Logger,
    readonly label = 'this server',
  ) {}

  exec(_during: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve) => {
      const child = spawn(POWERSHELL_EXE, args, { windowsHide: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const keep = (chunks: Buffer[], d: Buffer) => chunks.reduce((n, c) => n + c.length, 0) < MAX_OUTPUT_BYTES && chunks.push(d);
      const preamble = options.preamble ? new PreambleReader() : undefined;
      let stoppedBy: StopReason | undefined;
      const stop = (reason: StopReason) => {
        stoppedBy ??= reason;
        options.stop?.(preamble?.pid ?? (child.pid !== undefined ? String(child.pid) : undefined));
      };
      const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
      const onAbort = () => stop('abort');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // An abort while the script file was written came before this listener.
      if (options.signal?.aborted) onAbort();
      child.stdout.on('data', (d: Buffer) => keep(out, d));
      child.stderr.on('data', (d: Buffer) => {
        if (preamble?.pending) {
          d = preamble.read(d);
          if (preamble.pending) return;
        }
        keep(err, d);
        if (d.length > 0) options.onStderr?.(d.toString('utf8'));
      });
      let exit: ExecResult['exit'];
      const settle = (result: ExecResult) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      child.on('error', (e: NodeJS.ErrnoException) => {
        // powershell.exe itself could not start: reads as the run script's "not found", with the errno.
        if (child.pid === undefined) settle({ exit: { code: NOT_FOUND_EXIT }, stdout: '', stderr: `${NOT_FOUND_MARKER}\n${POWERSHELL_EXE}: ${e.code ?? e.message}\n` });
      });
      child.on('exit', (code, signal) => {
        if (!stoppedBy) exit = { code, ...(signal ? { signal } : {}) };
      });
      child.on('close', () => {
        if (child.pid === undefined) return;
        if (preamble?.pending) keep(err, preamble.drain());
        settle({ exit, stoppedBy: exit ? undefined : stoppedBy, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  putScript(file: string, text: string): Promise<void> {
    return fs.writeFile(file, Buffer.concat([BOM, Buffer.from(text, 'utf8')]), { flag: 'wx' });
  }

  removeScript(file: string): Promise<void> {
    return fs.rm(file, { force: true });
  }

  stopTree(pid: string): void {
    spawn('taskkill', ['/PID', pid, '/T', '/F'], { windowsHide: true }).on('error', (err) => this.logger.debug(`Windows: could not stop process ${pid}: ${err.message}`));
  }
}

/**
 * The Windows shell's host over SSH: powershell.exe's words joined into the one command line
 * Windows OpenSSH hands its default shell (cmd.exe, Windows PowerShell or pwsh all run it the
 * same: a program name and plain words), script files through SFTP, and a process tree stopped
 * with taskkill in a session of its own.
 */
import { powershellLine } from '../../powershell/commandLine';
import type { PowerShellHost } from '../../windows/windowsShell';
import { toSftpPath } from '../../windows/paths';
import type { ExecOptions, ExecResult } from '../channel';
import type { SshTransport } from '../transport';

/** UTF-8 with a BOM: without it Windows PowerShell 5.1 reads a script file in the ANSI code page. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CHUNK_BYTES = 32 * 1024;

export class SshPowerShellHost implements PowerShellHost {
  constructor(private readonly transport: SshTransport) {}

  get label(): string {
    return this.transport.label;
  }

  get logger() {
    return this.transport.logger;
  }

  exec(during: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.transport.exec(during, powershellLine(args), options);
  }

  putScript(file: string, text: string): Promise<void> {
    const bytes = Buffer.concat([BOM, Buffer.from(text, 'utf8')]);
    return this.transport.files('script', async (sftp) => {
      const name = toSftpPath(file);
      const handle = await sftp.open(name, 'wx');
      try {
        for (let at = 0; at < bytes.length; at += CHUNK_BYTES) await sftp.write(handle, name, bytes.subarray(at, at + CHUNK_BYTES), at);
      } finally {
        await sftp.close(handle, name, bytes.length);
      }
    });
  }

  removeScript(file: string): Promise<void> {
    return this.transport.files('script', (sftp) => sftp.unlink(toSftpPath(file)));
  }

  /** taskkill is the same command line under any default shell; /T takes the program the script started. */
  stopTree(pid: string): void {
    this.transport
      .exec('taskkill', `taskkill /PID ${pid} /T /F`, { timeoutMs: 15_000 })
      .catch((err: Error) => this.logger.debug(`SSH: could not stop process ${pid} on ${this.label}: ${err.message}`));
  }
}

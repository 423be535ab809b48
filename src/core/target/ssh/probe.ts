/**
 * Which remote shell a server has, asked once at connect: a shell that answers `uname -s` is
 * POSIX. Anything else (Windows' cmd or PowerShell today) is refused with a clear error until
 * there is a strategy for it.
 */
import { CancelledError } from '../../errors';
import { DEFAULT_RUN_TIMEOUT_MS, seconds } from '../target';
import { sshError } from './errors';
import { PosixShell } from './posix/posixShell';
import type { RemoteShell } from './remoteShell';
import type { SshTransport } from './transport';
import { SshCode } from './types';

export async function probeRemoteShell(transport: SshTransport, signal?: AbortSignal): Promise<RemoteShell> {
  const { host, port } = transport.destination;
  const answer = await transport.exec('uname', 'uname -s', { timeoutMs: DEFAULT_RUN_TIMEOUT_MS, signal });
  if (answer.stoppedBy === 'abort') throw new CancelledError();
  if (answer.stoppedBy === 'timeout') {
    throw sshError(SshCode.ConnectFailed, { host, port, reason: `its shell gave no answer within ${seconds(DEFAULT_RUN_TIMEOUT_MS)} s` });
  }
  const system = answer.stdout.trim();
  if (answer.exit?.code === 0 && /^[A-Za-z][\w.-]*$/.test(system)) {
    transport.logger.debug(`SSH: ${transport.label} runs a POSIX shell (${system}).`);
    return new PosixShell(transport);
  }
  const reason = answer.exit?.code != null ? `exit code ${answer.exit.code}` : answer.exit?.signal ?? 'no exit status';
  throw sshError(SshCode.ShellUnsupported, { host, port, reason: system ? `${reason}, "${system.split('\n')[0].slice(0, 80)}"` : reason });
}

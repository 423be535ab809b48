/**
 * ProxyCommand as OpenSSH runs it: `sh -c` with the expanded line, the child's stdin and stdout
 * carrying the connection, its stderr going to the log. The child leads its own process group,
 * stopped when the connection ends. A command that ends before the SSH handshake is reported
 * with how it ended and the tail of what it printed on stderr.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { SetupError } from '../../errors';
import type { Logger } from '../../log';
import { describeOutcome, type CommandOutcome } from '../target';
import { sshError } from './errors';
import { SshCode, type SshDestination } from './types';

/** How much of the command's stderr a failure quotes. */
const STDERR_TAIL_CHARS = 600;
/** How long a command that closed its output gets to exit before it is reported anyway. */
const EXIT_GRACE_MS = 2000;

export interface ProxyCommandProcess {
  /** The command's stdout (read) and stdin (written), for ssh2's `sock`. */
  sock: Duplex;
  /** The failure to report instead of a failed handshake when the command ended by itself first. */
  endedEarly(): Promise<SetupError | undefined>;
  /** Stops the command's process group (idempotent). */
  stop(): void;
}

export function startProxyCommand(destination: SshDestination, command: string, logger: Logger): ProxyCommandProcess {
  const { host, port } = destination;
  const child = spawn('sh', ['-c', command], { stdio: 'pipe', detached: process.platform !== 'win32', windowsHide: true });
  let stderrTail = '';
  let partialLine = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (partialLine + text).split(/\r?\n/);
    partialLine = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) logger.info(`SSH: ProxyCommand for ${host}:${port}: ${line}`);
  });

  let stopped = false;
  /** Set when the command closed its output or failed to start before anyone stopped it. */
  let endedByItself = false;
  const ended = new Promise<CommandOutcome>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill, not a failed start
      endedByItself ||= !stopped;
      resolve(err.code === 'ENOENT' ? { kind: 'notFound' } : { kind: 'notStarted', errno: err.code ?? 'EIO' });
    });
    child.once('close', (code, signal) => resolve(code !== null ? { kind: 'exited', code } : { kind: 'signal', signal: signal ?? 'unknown' }));
  });
  child.stdout.once('end', () => (endedByItself ||= !stopped));

  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (process.platform === 'win32') child.kill();
      else process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM'); // no such group (any more): the child at least
    }
  };

  const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
  // ssh2 ends its side when the connection is closed, destroys it when it is lost: the command goes with it.
  sock.once('finish', stop).once('close', stop);
  // A write after the command died (EPIPE) also reaches ssh2 through the duplex; here it must not go unhandled.
  child.stdin.on('error', () => undefined);

  const endedEarly = async (): Promise<SetupError | undefined> => {
    if (!endedByItself) return undefined;
    let grace: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([ended, new Promise<undefined>((resolve) => (grace = setTimeout(() => resolve(undefined), EXIT_GRACE_MS)))]);
    clearTimeout(grace);
    stop();
    const reason = outcome ? describeOutcome(outcome) : 'it closed its output';
    const stderr = stderrTail.trim().split(/\r?\n/).slice(-3).join(' / ') || '—';
    return sshError(SshCode.ProxyCommandFailed, { host, port, reason, stderr });
  };

  return { sock, endedEarly, stop };
}

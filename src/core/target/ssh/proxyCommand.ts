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
/** How long a failed handshake waits for the command's own end, which explains it better. */
const EXIT_GRACE_MS = 2000;

export interface ProxyCommandProcess {
  /** The command's stdout (read) and stdin (written), for ssh2's `sock`. */
  sock: Duplex;
  /** Settles with the failure to report once the command ends by itself (never when stopped). */
  ended: Promise<SetupError>;
  /** After a failed handshake: that failure if the command ends by itself within a short grace, else undefined. */
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

  const ended = new Promise<CommandOutcome>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill, not a failed start
      resolve(err.code === 'ENOENT' ? { kind: 'notFound' } : { kind: 'notStarted', errno: err.code ?? 'EIO' });
    });
    child.once('close', (code, signal) => resolve(code !== null ? { kind: 'exited', code } : { kind: 'signal', signal: signal ?? 'unknown' }));
  });

  let stopped = false;
  /** Whether stop() sent a signal: a command that died of one did not end by itself. */
  let signalled = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    signalled = true;
    try {
      if (process.platform === 'win32') child.kill();
      else process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM'); // no such group (any more): the child at least
    }
  };

  /** The failure, once the command ended by itself; never settles when stop() ended it. */
  const endedByItself = ended.then((outcome) => {
    if (outcome.kind === 'signal' && signalled) return new Promise<never>(() => undefined);
    const stderr = stderrTail.trim().split(/\r?\n/).slice(-3).join(' / ') || '—';
    return sshError(SshCode.ProxyCommandFailed, { host, port, reason: describeOutcome(outcome), stderr });
  });

  const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
  // ssh2 ends its side when the connection is closed, destroys it when it is lost: the command goes with it.
  sock.once('finish', stop).once('close', stop);
  // The command's end (EPIPE, a premature close) reaches ssh2 as the duplex's error, which may
  // come before ssh2 listens or after it stopped: it must not go unhandled then.
  child.stdin.on('error', () => undefined);
  sock.on('error', (err) => logger.debug(`SSH: ProxyCommand for ${host}:${port}: ${err.message}`));

  const endedEarly = async (): Promise<SetupError | undefined> => {
    let grace: NodeJS.Timeout | undefined;
    const failure = await Promise.race([endedByItself, new Promise<undefined>((resolve) => (grace = setTimeout(() => resolve(undefined), EXIT_GRACE_MS)))]);
    clearTimeout(grace);
    return failure;
  };

  return { sock, ended: endedByItself, endedEarly, stop };
}

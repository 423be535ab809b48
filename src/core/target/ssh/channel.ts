/**
 * One exec channel's life, whatever shell runs on the other end: feed stdin, gather the output
 * (capped), stop it after a time-out or an abort, and report how it ended. What an exit status
 * means, and how the command itself is killed, is the remote shell's business (remoteShell.ts).
 */
import type { ClientChannel } from 'ssh2';
import { PreambleReader } from '../preamble';
import { MAX_OUTPUT_BYTES, type StopReason } from '../target';

export interface ExecOptions {
  stdin?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * The command line first writes the shell's own line on stderr (the process to stop the
   * command by, preamble.ts), not the command's output: taken off and handed to `stop`.
   */
  preamble?: boolean;
  /** Each piece of the command's stderr as it arrives (its progress). */
  onStderr?: (text: string) => void;
  /** Stops the command on the server before the channel closes, by the `preamble`'s handle. */
  stop?(preamble: string | undefined): void;
}

export interface ExecResult {
  /** The exit status or exit signal the server sent; undefined when the session ended without one. */
  exit?: { code: number | null; signal?: string };
  /** Set when this side stopped the command before it ended. */
  stoppedBy?: StopReason;
  stdout: string;
  stderr: string;
}

/** A channel's bytes as text, keeping at most MAX_OUTPUT_BYTES (the rest is read and dropped). */
class Capped {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;

  add(chunk: Buffer): void {
    if (this.#bytes < MAX_OUTPUT_BYTES) this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks).subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
  }
}

/**
 * Resolves once the channel closes. A time-out or abort calls `stop` (sshd refuses SSH "signal"
 * requests for root logins, so the channel alone cannot stop the command), then closes it; with a
 * `preamble`, once its line is read.
 */
export function collect(channel: ClientChannel, options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out = new Capped();
    const err = new Capped();
    const preamble = options.preamble ? new PreambleReader() : undefined;
    let exit: ExecResult['exit'];
    let stoppedBy: StopReason | undefined;
    const halt = () => {
      options.stop?.(preamble?.pid);
      channel.close();
    };
    // Before the preamble's line is read there is nothing to stop the command by, and closing the
    // channel would lose that line: the stop waits for it. A due timer runs before Node reads a
    // socket that already holds it.
    const stop = (reason: StopReason) => {
      if (stoppedBy) return;
      stoppedBy = reason;
      if (!preamble?.pending) halt();
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // An abort while the session opened came before this listener: the command has started since.
    if (options.signal?.aborted) onAbort();
    channel.on('data', (d: Buffer) => out.add(d));
    channel.stderr.on('data', (d: Buffer) => {
      if (preamble?.pending) {
        d = preamble.read(d);
        if (preamble.pending) return;
        if (stoppedBy) halt();
      }
      err.add(d);
      if (d.length > 0) options.onStderr?.(d.toString('utf8'));
    });
    // ssh2: (code) for an exit status, (null, 'SIGKILL', …) for an exit signal.
    channel.on('exit', (exitCode: number | null, signal?: string) => {
      if (!stoppedBy) exit = { code: typeof exitCode === 'number' ? exitCode : null, signal };
    });
    channel.on('close', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (preamble?.pending) err.add(preamble.drain());
      resolve({ exit, stoppedBy: exit ? undefined : stoppedBy, stdout: out.text(), stderr: err.text() });
    });
    channel.end(options.stdin ?? '');
  });
}

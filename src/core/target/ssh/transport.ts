/**
 * The SSH transport under the SSH target: one connection, one lazily opened SFTP session, exec
 * channels, and the loss guard. A dropped connection fails the call under way and every later
 * one with SshCode.ConnectionLost. What runs in an exec channel is the remote shell's concern.
 */
import { CancelledError, isSetupError, type SetupError } from '../../errors';
import type { Logger } from '../../log';
import { collect, type ExecOptions, type ExecResult } from './channel';
import type { SshConnection } from './connect';
import { sshError } from './errors';
import { reachThroughServer } from './forward';
import { Sftp } from './sftp';
import type { Reach } from '../target';
import { SshCode, type SshDestination } from './types';

/** What a remote shell needs of the transport: exec channels, and a name for messages. */
export interface Exec {
  readonly label: string;
  readonly logger: Logger;
  /** Runs `line`; `during` names it in a ConnectionLost error (the command, not its arguments). */
  exec(during: string, line: string, options: ExecOptions): Promise<ExecResult>;
}

export class SshTransport implements Exec {
  readonly label: string;

  #sftp: Promise<Sftp> | undefined;
  #closed = false;
  /** Set when the connection ends; every pending and later call fails with it. */
  #lost = false;
  readonly #lostListeners = new Set<() => void>();

  constructor(
    readonly destination: SshDestination,
    private readonly connection: SshConnection,
    readonly logger: Logger,
  ) {
    const { user, host } = destination;
    this.label = destination.name && destination.name !== host && !destination.name.includes('@') ? destination.name : `${user}@${host}`;
    const onEnd = () => {
      if (this.#lost) return;
      this.#lost = true;
      if (!this.#closed) logger.warn(`SSH: the connection to ${this.label} was lost.`);
      for (const listener of this.#lostListeners) listener();
    };
    connection.client.on('close', onEnd);
    connection.client.on('end', onEnd);
    connection.client.on('error', (err) => logger.debug(`SSH: ${this.label}: ${err.message}`));
  }

  #lostError(during: string): SetupError {
    return sshError(SshCode.ConnectionLost, { host: this.destination.host, port: this.destination.port, during });
  }

  /** Runs `work`, failing it at once with ConnectionLost when the connection ends first. */
  async guard<T>(during: string, work: () => Promise<T>): Promise<T> {
    if (this.#lost) throw this.#lostError(during);
    let onLost: () => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (onLost = () => reject(this.#lostError(during))));
    this.#lostListeners.add(onLost);
    try {
      return await Promise.race([work(), lost]);
    } catch (err) {
      // A channel failure that the close event has not reported yet is the same loss.
      if (!this.#lost && !(err instanceof Error && 'code' in err) && !isSetupError(err)) await new Promise((r) => setImmediate(r));
      if (this.#lost && !isSetupError(err, SshCode.ConnectionLost) && !(err instanceof CancelledError)) throw this.#lostError(during);
      throw err;
    } finally {
      this.#lostListeners.delete(onLost);
    }
  }

  #session(): Promise<Sftp> {
    this.#sftp ??= new Promise<Sftp>((resolve, reject) => {
      this.connection.client.sftp((err, wrapper) => {
        if (err) reject(this.#lost ? this.#lostError('sftp') : sshError(SshCode.SftpUnavailable, { host: this.destination.host, port: this.destination.port, reason: err.message }, err));
        else resolve(new Sftp(wrapper));
      });
    });
    // A failed attempt is not cached: the next call asks again (or reports the loss).
    this.#sftp.catch(() => (this.#sftp = undefined));
    return this.#sftp;
  }

  /** Target.reach: a remote forward back to this machine, under the loss guard. */
  reach(host: string, port: number, signal?: AbortSignal): Promise<Reach> {
    return this.guard('reach', () => reachThroughServer(this.connection.client, host, port, { server: this.destination, logger: this.logger, signal }));
  }

  /** SFTP work under the loss guard. */
  files<T>(during: string, work: (sftp: Sftp) => Promise<T>): Promise<T> {
    return this.guard(during, async () => work(await this.#session()));
  }

  /**
   * Runs `line` in an exec channel under the loss guard. A session that ended without an exit
   * status, on a connection that then reports its loss, is that loss.
   */
  exec(during: string, line: string, options: ExecOptions): Promise<ExecResult> {
    return this.guard(during, async () => {
      const result = await this.#open(line, options);
      if (!result.exit && !result.stoppedBy) {
        await new Promise((r) => setImmediate(r));
        if (this.#lost) throw this.#lostError(during);
      }
      return result;
    });
  }

  #open(line: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.connection.client.exec(line, (err, channel) => {
        if (err) return reject(err);
        collect(channel, options).then(resolve, reject);
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.connection.end();
  }
}

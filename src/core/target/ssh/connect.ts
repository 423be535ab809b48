/**
 * Opens an authenticated SSH connection: a TCP socket (or an HTTP proxy's CONNECT tunnel, a
 * ProxyCommand's stdin and stdout, or a channel forwarded by the ProxyJump hop before), the
 * host key checked against known_hosts (a new one only with the admin's consent, a changed one
 * never), then authentication (auth.ts). The time-out covers the network, not the time the admin spends answering prompts.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel } from 'ssh2';
import { CancelledError, isSetupError } from '../../errors';
import { requestTunnel } from '../../connectivity/proxyTunnel';
import { createAuthenticator } from './auth';
import { sshError } from './errors';
import { addKnownHost, checkHostKey, defaultKnownHostsFile, fingerprint, hostKeyChangedError, keyTypeOf, knownHostsName, knownKeyTypes } from './knownHosts';
import { startProxyCommand } from './proxyCommand';
import { SshCode, type SshConnectOptions, type SshDestination } from './types';

const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** ssh2's client host key algorithms, in its default order. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

export interface SshConnection {
  /** The client of the destination itself. */
  client: Client;
  /** Ends the destination's connection and every jump host's. */
  end(): void;
}

/** A time-out that stops while the admin is asked something, and for good once the attempt ends. */
class Deadline {
  #timer: NodeJS.Timeout | undefined;
  #left: number;
  #startedAt = 0;
  #stopped = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.#left = ms;
    this.resume();
  }

  resume(): void {
    // A prompt that settles after a cancel or a failure must not start the clock again.
    if (this.#stopped) return;
    this.#startedAt = Date.now();
    this.#timer = setTimeout(this.onExpire, Math.max(this.#left, 0));
  }

  pause(): void {
    clearTimeout(this.#timer);
    this.#left -= Date.now() - this.#startedAt;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async paused<T>(question: Promise<T>): Promise<T> {
    this.pause();
    try {
      return await question;
    } finally {
      this.resume();
    }
  }
}

interface Attempt {
  options: SshConnectOptions;
  deadline: Deadline;
  /** Registers what to close on failure, time-out or abort (at once when that already happened). */
  track(close: () => void): void;
}

const where = (d: SshDestination) => ({ host: d.host, port: d.port });

function connectFailed(destination: SshDestination, reason: string, via?: string, cause?: unknown) {
  return sshError(SshCode.ConnectFailed, { ...where(destination), reason, ...(via ? { via } : {}) }, cause);
}

function socketReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name was not found';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    default:
      return err.code ?? err.message;
  }
}

function tcpConnect(host: string, port: number, attempt: Attempt): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    attempt.track(() => socket.destroy());
    socket.once('error', reject);
    socket.once('connect', () => {
      // ssh2 listens from the handshake on; until then a late error must not go unhandled.
      socket.off('error', reject).on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** A TCP socket to the destination, through the HTTP proxy when there is one. */
async function openSocket(destination: SshDestination, attempt: Attempt): Promise<Duplex> {
  const { proxy } = attempt.options;
  if (!proxy) {
    return tcpConnect(destination.host, destination.port, attempt).catch((err: NodeJS.ErrnoException) => {
      throw connectFailed(destination, socketReason(err), undefined, err);
    });
  }
  const via = proxy.origin;
  const socket = await tcpConnect(proxy.host, proxy.port, attempt).catch((err: NodeJS.ErrnoException) => {
    throw connectFailed(destination, `the proxy cannot be reached (${socketReason(err)})`, via, err);
  });
  const authority = `${net.isIPv6(destination.host) ? `[${destination.host}]` : destination.host}:${destination.port}`;
  const controller = new AbortController();
  attempt.track(() => controller.abort());
  const answer = await requestTunnel(socket, authority, proxy.authorization, controller.signal).catch((err: NodeJS.ErrnoException) => {
    throw connectFailed(destination, `the proxy failed (${err.code ?? err.message})`, via, err);
  });
  if (answer.status !== 200) throw connectFailed(destination, `the proxy answered ${answer.status} ${answer.reason}`.trim(), via);
  return socket; // paused by requestTunnel; ssh2 resumes it once it listens
}

/** A channel from the previous hop to the next one (ProxyJump). */
function forwardOut(via: Client, through: SshDestination, destination: SshDestination): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, destination.host, destination.port, (err, channel) => {
      if (err) reject(connectFailed(destination, `the jump host refused to forward (${err.message})`, `${through.user}@${through.host}:${through.port}`, err));
      else resolve(channel);
    });
  });
}

/** Known types first, so a host is asked for the key known_hosts already holds (as OpenSSH does). */
async function hostKeyAlgorithms(files: string[], destination: SshDestination): Promise<string[]> {
  const known = await knownKeyTypes(files, destination.host, destination.port);
  const preferred = known.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type])).filter((a) => HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
}

/**
 * ssh2 writes every SSH packet with its own sock.write, so an SFTP upload (32 KiB chunks, many
 * in flight) or a burst of requests is a syscall per packet. Writes made in the same tick go out
 * together once it ends.
 */
function corkWritesPerTick(sock: Duplex): void {
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(() => {
        corked = false;
        sock.uncork();
      });
    }
    return write(...args);
  }) as Duplex['write'];
}

/** The SSH handshake and authentication over `sock`. */
async function handshake(destination: SshDestination, sock: Duplex, attempt: Attempt): Promise<Client> {
  const { options, deadline } = attempt;
  const files = options.knownHostsFiles?.length ? options.knownHostsFiles : [defaultKnownHostsFile()];
  const algorithms = await hostKeyAlgorithms(files, destination);
  const auth = createAuthenticator(destination, options, (q) => deadline.paused(q));
  const client = new Client();
  attempt.track(() => client.end());
  let refusal: Error | undefined;

  const verifyHostKey = async (key: Buffer): Promise<boolean> => {
    const { host, port } = destination;
    const found = await checkHostKey(files, host, port, key);
    if (found.status === 'known') return true;
    if (found.status === 'changed') throw hostKeyChangedError(host, port, key, found);
    const info = { hostPattern: knownHostsName(host, port), keyType: keyTypeOf(key), fingerprint: fingerprint(key) };
    if (!(await deadline.paused(options.prompts.trustNewHost(info, options.signal)))) {
      throw sshError(SshCode.HostKeyNotTrusted, { host, port, keyType: info.keyType, fingerprint: info.fingerprint });
    }
    // A "yes" that comes after the cancel must not change known_hosts.
    if (options.signal?.aborted) throw new CancelledError();
    await addKnownHost(files[0], host, port, key);
    options.logger.info(`SSH: added the ${info.keyType} key of ${info.hostPattern} (${info.fingerprint}) to ${files[0]}.`);
    return true;
  };

  return new Promise<Client>((resolve, reject) => {
    const settle = (err?: Error) => {
      client.removeAllListeners('ready');
      if (err) {
        client.end();
        reject(err);
      } else {
        resolve(client);
      }
    };
    client.once('ready', () => settle());
    client.on('error', (err: Error & { level?: string }) => {
      // An unusable agent is skipped, as ssh does; ssh2 goes on with the next method.
      if (err.level === 'agent') return options.logger.warn(`SSH: the agent cannot be used (${err.message}); skipped.`);
      settle(refusal ?? auth.failure() ?? failureOf(err));
    });
    client.once('close', () => settle(refusal ?? auth.failure() ?? failureOf(new Error('the server closed the connection'))));
    const failureOf = (err: Error & { level?: string }) => {
      if (auth.started()) return sshError(SshCode.AuthenticationFailed, { ...where(destination), user: destination.user, tried: auth.tried(), offered: auth.offered() }, err);
      return connectFailed(destination, err.message, undefined, err);
    };
    corkWritesPerTick(sock);
    client.connect({
      sock,
      username: destination.user,
      readyTimeout: 0, // the Deadline times the network only
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: algorithms as never },
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        verifyHostKey(key).then(verify, (err: Error) => {
          refusal = err;
          verify(false);
        });
      },
      authHandler: auth.handler,
    });
  });
}

/** The handshake over a ProxyCommand's stdin and stdout; when the command ended first, that is the failure. */
async function handshakeThroughCommand(destination: SshDestination, command: string, attempt: Attempt): Promise<Client> {
  const proxy = startProxyCommand(destination, command, attempt.options.logger);
  attempt.track(proxy.stop);
  try {
    // The command may end before ssh2 listens to it: its end settles the attempt by itself.
    return await Promise.race([handshake(destination, proxy.sock, attempt), proxy.ended.then((failure) => Promise.reject(failure))]);
  } catch (err) {
    throw (isSetupError(err, SshCode.ConnectFailed) && (await proxy.endedEarly())) || err;
  }
}

/** The destination's client and, before it, its jump hosts' (each reached through the one before). */
async function openChain(destination: SshDestination, attempt: Attempt, via?: { client: Client; hop: SshDestination }): Promise<Client[]> {
  const clients: Client[] = [];
  let previous = via;
  if (!previous) {
    for (const hop of destination.jumps) {
      const hopClients = await openChain(hop, attempt, previous);
      clients.push(...hopClients);
      previous = { client: hopClients[hopClients.length - 1], hop };
    }
  }
  if (previous) clients.push(await handshake(destination, await forwardOut(previous.client, previous.hop, destination), attempt));
  else if (destination.proxyCommand) clients.push(await handshakeThroughCommand(destination, destination.proxyCommand, attempt));
  else clients.push(await handshake(destination, await openSocket(destination, attempt), attempt));
  return clients;
}

export async function connectSsh(destination: SshDestination, options: SshConnectOptions): Promise<SshConnection> {
  if (options.signal?.aborted) throw new CancelledError();
  const closers: Array<() => void> = [];
  let failed = false;
  const closeAll = () => {
    failed = true;
    closers.splice(0).reverse().forEach((close) => close());
  };
  let interrupt: (err: Error) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const attempt: Attempt = {
    options,
    track: (close) => (failed ? close() : void closers.push(close)),
    deadline: new Deadline(timeoutMs, () => interrupt(connectFailed(destination, `no answer within ${timeoutMs / 1000} s`))),
  };
  const onAbort = () => interrupt(new CancelledError());
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const clients = await Promise.race([openChain(destination, attempt), interrupted]);
    return { client: clients[clients.length - 1], end: () => clients.reverse().forEach((c) => c.end()) };
  } catch (err) {
    closeAll();
    throw options.signal?.aborted ? new CancelledError() : err;
  } finally {
    attempt.deadline.stop();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * An address of this machine, offered on the server for as long as the handle is open: an SSH
 * remote forward (a port the server picks on its 127.0.0.1), each connection made to it there
 * piped to `host:port` as this machine sees it. Only a loopback address needs it: the server's
 * own loopback is another machine's. Any other address is taken as reachable from the server.
 */
import net from 'node:net';
import type { AcceptConnection, Client, ClientChannel, RejectConnection, TcpConnectionDetails } from 'ssh2';
import { CancelledError } from '../../errors';
import type { Logger } from '../../log';
import type { Reach } from '../target';
import { sshError } from './errors';
import { SshCode, type SshDestination } from './types';

/** Where the server listens: its IPv4 loopback, which every server has and no other machine can use. */
const BIND_ADDRESS = '127.0.0.1';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = net.isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 6 ? 'ipv6' : 'ipv4');
}

export interface ForwardOptions {
  /** The server, for messages. */
  server: SshDestination;
  logger: Logger;
  signal?: AbortSignal;
}

function bind(client: Client, address: string, options: ForwardOptions): Promise<number> {
  const { host, port } = options.server;
  return new Promise((resolve, reject) => {
    client.forwardIn(BIND_ADDRESS, 0, (err, bound) => {
      if (err) reject(sshError(SshCode.ForwardRefused, { host, port, address, reason: err.message }, err));
      else resolve(bound);
    });
  });
}

/** `host:port` of this machine as the server on `client` reaches it, until close(). */
export async function reachThroughServer(client: Client, host: string, port: number, options: ForwardOptions): Promise<Reach> {
  if (!isLoopback(host)) return { host, port, close: async () => undefined };
  if (options.signal?.aborted) throw new CancelledError();
  const address = `${host}:${port}`;
  const remotePort = await bind(client, address, options);
  const open = new Set<{ channel?: ClientChannel; socket: net.Socket }>();
  let closing: Promise<void> | undefined;

  const onConnection = (details: TcpConnectionDetails, accept: AcceptConnection<ClientChannel>, reject: RejectConnection) => {
    if (details.destPort !== remotePort) return; // another forward's
    if (closing) return reject();
    // Connected here before the server's side is accepted, so a refusal reaches the server's client as one.
    const pair: { channel?: ClientChannel; socket: net.Socket } = { socket: net.connect(port, host) };
    open.add(pair);
    pair.socket.on('error', (err: NodeJS.ErrnoException) => {
      options.logger.debug(`SSH: a forwarded connection from ${options.server.host} to ${address} failed (${err.code ?? err.message}).`);
      if (pair.channel) pair.channel.destroy();
      else reject();
    });
    pair.socket.once('connect', () => {
      const channel = (pair.channel = accept());
      channel.on('error', () => pair.socket.destroy());
      channel.once('close', () => pair.socket.destroy());
      pair.socket.once('close', () => channel.destroy());
      pair.socket.pipe(channel).pipe(pair.socket);
    });
    pair.socket.once('close', () => open.delete(pair));
  };
  client.on('tcp connection', onConnection);

  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        try {
          // Connections may still come in until the server answers; onConnection refuses them.
          client.unforwardIn(BIND_ADDRESS, remotePort, () => resolve());
        } catch {
          resolve(); // not connected any more: the forward went with the connection
        }
      });
      client.off('tcp connection', onConnection);
      for (const { channel, socket } of open) {
        channel?.destroy();
        socket.destroy();
      }
    })());

  if (options.signal?.aborted) {
    await close();
    throw new CancelledError();
  }
  options.logger.debug(`SSH: ${options.server.host} reaches ${address} at ${BIND_ADDRESS}:${remotePort}.`);
  return { host: BIND_ADDRESS, port: remotePort, close };
}

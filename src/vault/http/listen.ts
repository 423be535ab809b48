/**
 * Starting and stopping a listener: slow-loris-safe time-outs, a clear error for a busy port,
 * and a close() that ends every connection, idle or not, so a test or the extension host can
 * stop the vault without waiting for clients.
 */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { VaultCode, VaultError } from '../errors';

export interface VaultTimeouts {
  /** Time allowed for a client to send the request headers. */
  headersMs: number;
  /** Time allowed for the whole request, body included. */
  requestMs: number;
  keepAliveMs: number;
  /** Time allowed for the TLS handshake. */
  handshakeMs: number;
  /** How often node checks the two request time-outs above. */
  checkIntervalMs: number;
}

export const DEFAULT_TIMEOUTS: VaultTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  handshakeMs: 10_000,
  checkIntervalMs: 1_000,
};

/** The options node's http and https servers take for the time-outs. */
export function serverTimeoutOptions(t: VaultTimeouts) {
  return {
    headersTimeout: t.headersMs,
    requestTimeout: Math.max(t.requestMs, t.headersMs),
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: t.checkIntervalMs,
    maxHeaderSize: 16 * 1024,
  };
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export async function listen(server: Server, host: string, port: number, what: string): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, host, port, what));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number, what: string): Error {
  const params = { host, port, listener: what };
  if (err.code === 'EADDRINUSE') {
    return new VaultError(VaultCode.PortInUse, `Cannot start the vault ${what}: port ${port} on ${host} is already in use. Stop what uses it or choose another port.`, undefined, params, { cause: err });
  }
  if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
    return new VaultError(VaultCode.PortForbidden, `Cannot start the vault ${what} on ${host}:${port} (${err.code}).`, undefined, params, { cause: err });
  }
  return err;
}

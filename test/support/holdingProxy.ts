/**
 * An HTTP proxy on loopback that accepts CONNECT requests and never answers them: a network that
 * stalls. A test routes an operation through it to know, not guess, that the operation is still
 * in flight when it cancels it. close() ends the held connections and the server.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HoldingProxy {
  port: number;
  /** CONNECT targets received so far, e.g. `127.0.0.1:8443`. */
  readonly connects: string[];
  /** How many held connections the client has since closed (an aborted request closes its). */
  readonly closedByClient: number;
  close(): Promise<void>;
}

export async function startHoldingProxy(): Promise<HoldingProxy> {
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  const sockets = new Set<Socket>();
  const connects: string[] = [];
  let closedByClient = 0;
  server.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    connects.push(req.url ?? '');
    sockets.add(socket);
    socket.on('error', () => undefined);
    // The HTTP server's sockets are half-open: the client's end does not close them by itself.
    socket.on('end', () => socket.destroy());
    socket.resume();
    socket.on('close', () => {
      if (sockets.delete(socket)) closedByClient++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connects,
    get closedByClient() {
      return closedByClient;
    },
    close: async () => {
      for (const socket of sockets) {
        sockets.delete(socket);
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

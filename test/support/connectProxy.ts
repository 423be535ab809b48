/**
 * An HTTP CONNECT proxy on loopback that records what it is asked for, and either tunnels (a
 * plain forwarding proxy) or holds every request without an answer (a network that stalls: a test
 * then knows, not guesses, that an operation is still in flight). close() ends its connections.
 */
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxy {
  port: number;
  /** CONNECT targets received so far, e.g. `127.0.0.1:8443`. */
  readonly connects: string[];
  /** How many held connections the client has since closed (an aborted request closes its). */
  readonly closedByClient: number;
  close(): Promise<void>;
}

export async function startConnectProxy(options: { answer: 'hold' | 'tunnel' }): Promise<ConnectProxy> {
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  const sockets = new Set<Socket>();
  const connects: string[] = [];
  let closedByClient = 0;
  server.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (sockets.delete(socket)) closedByClient++;
    });
    if (options.answer === 'tunnel') {
      const [host, port] = [(req.url ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, ''), Number(/:(\d+)$/.exec(req.url ?? '')?.[1])];
      const upstream = net.connect(port, host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      return;
    }
    // The HTTP server's sockets are half-open: the client's end does not close them by itself.
    socket.on('end', () => socket.destroy());
    socket.resume();
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

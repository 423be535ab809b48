import type { Socket } from 'node:net';
import type { Secret } from '../secret';

/** A proxy's answer head is a few hundred bytes; anything past this is not a proxy. */
const MAX_HEAD_BYTES = 16 * 1024;

export interface TunnelAnswer {
  status: number;
  reason: string;
}

/**
 * Asks an HTTP proxy, over an open socket, to tunnel to `authority` (`host:port`), and returns
 * its answer. On 200 the socket is the tunnel, ready for TLS; bytes the proxy sent after the
 * head are put back on the socket. Rejects when the socket fails or closes before an answer,
 * or when `signal` aborts (the socket is then destroyed).
 */
export function requestTunnel(socket: Socket, authority: string, authorization: Secret | undefined, signal: AbortSignal): Promise<TunnelAnswer> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(signal.reason);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onEnd = () => onError(Object.assign(new Error('The proxy closed the connection without answering CONNECT.'), { code: 'ECONNRESET' }));
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) onError(Object.assign(new Error('The proxy answer is not HTTP.'), { code: 'EPROTO' }));
        return;
      }
      cleanup();
      socket.pause();
      if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
      const match = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(head.subarray(0, end).toString('latin1'));
      if (!match) {
        reject(Object.assign(new Error('The proxy answer is not HTTP.'), { code: 'EPROTO' }));
        return;
      }
      resolve({ status: Number(match[1]), reason: match[2] });
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
    if (authorization) lines.push(`Proxy-Authorization: ${authorization.reveal()}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

import net from 'node:net';

/** A free TCP port on 127.0.0.1, or `preferred` when it is free. */
export async function freePort(preferred = 0) {
  const tryListen = (port) => new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  return (preferred && (await tryListen(preferred))) || (await tryListen(0));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

import assert from 'node:assert/strict';
import { once } from 'node:events';
import tls from 'node:tls';
import {
  createVaultWithCredentials,
  registrationBody,
  startTestVault,
  vaultClient,
  type TestVaultCredentials,
  type TestVault,
} from '../../support/vault';

/** A raw TLS connection to the vault, presenting the credentials certificate, that records all it receives. */
async function rawConnection(vault: TestVault, creds: TestVaultCredentials, tlsOptions: tls.ConnectionOptions = {}) {
  const url = new URL(vault.url);
  const identity = 'pfx' in creds.client ? { pfx: creds.client.pfx, passphrase: '' } : {};
  const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: vault.caCertPem, ...identity, ...tlsOptions });
  await once(socket, 'secureConnect');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.on('error', () => {});
  return { socket, closed, received: () => received };
}

function head(vault: TestVault, contentLength: number): string {
  return `POST /v1/registrations HTTP/1.1\r\nHost: ${new URL(vault.url).host}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

describe('vault HTTP limits: body size, truncation, time-outs', () => {
  let vault: TestVault;
  let creds: TestVaultCredentials;

  before(async () => {
    vault = await startTestVault({ timeouts: { headersMs: 600, requestMs: 1_200, checkIntervalMs: 100 } });
    creds = await createVaultWithCredentials(vault);
  });
  after(async () => {
    await vault.close();
  });

  it('answers an oversized body with 413 PayloadTooLarge and keeps serving the connection', async () => {
    const client = vaultClient(vault, creds.client);
    try {
      const body = { ...(await registrationBody()), serverName: 'x'.repeat(70 * 1024) };
      const res = await client.request('POST', '/v1/registrations', { json: body });
      assert.equal(res.status, 413);
      assert.equal(res.json.error.code, 'PayloadTooLarge');
      assert.equal((await client.request('GET', '/v1/health')).status, 200);
    } finally {
      await client.close();
    }
  });

  it('answers 413 at once, and closes, when the declared length is far over the limit', async () => {
    const conn = await rawConnection(vault, creds);
    conn.socket.write(head(vault, 50 * 1024 * 1024));
    await conn.closed;
    assert.match(conn.received(), /^HTTP\/1\.1 413 /);
    assert.match(conn.received(), /"code":"PayloadTooLarge"/);
  });

  it('answers a truncated JSON body with 400', async () => {
    const client = vaultClient(vault, creds.client);
    try {
      const full = JSON.stringify(await registrationBody());
      const res = await client.request('POST', '/v1/registrations', { body: full.slice(0, full.length / 2), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, '400');
      assert.match(res.json.error.message, /JSON/);
    } finally {
      await client.close();
    }
  });

  it('times out a body that stops short of its Content-Length (408, connection closed)', async () => {
    const conn = await rawConnection(vault, creds);
    const started = Date.now();
    conn.socket.write(head(vault, 1000) + '{"serverName":"half');
    const closedAt = await conn.closed;
    assert.match(conn.received(), /^HTTP\/1\.1 408 /);
    assert.ok(closedAt - started < 5_000, `closed after ${closedAt - started} ms`);
  });

  it('survives a client that disconnects mid-body', async () => {
    const conn = await rawConnection(vault, creds);
    conn.socket.write(head(vault, 1000) + '{"serverName":"half');
    await new Promise((r) => setTimeout(r, 100));
    conn.socket.destroy();
    await conn.closed;
    const client = vaultClient(vault);
    try {
      assert.equal((await client.request('GET', '/v1/health')).status, 200);
    } finally {
      await client.close();
    }
    await waitFor(() => vault.logs.some((l) => l.startsWith('POST /v1/registrations aborted')));
  });

  it('drops slow-loris clients that dribble their headers', async () => {
    const conn = await rawConnection(vault, creds);
    const started = Date.now();
    conn.socket.write('GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let i = 0;
    const dribble = setInterval(() => conn.socket.writable && conn.socket.write(`X-Slow-${i++}: a\r\n`), 100);
    try {
      const closedAt = await conn.closed;
      assert.ok(closedAt - started < 5_000, `closed after ${closedAt - started} ms`);
      assert.match(conn.received(), /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(dribble);
    }
  });

  it('refuses TLS below 1.2', async () => {
    const url = new URL(vault.url);
    const socket = tls.connect({
      host: url.hostname,
      port: Number(url.port),
      ca: vault.caCertPem,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    const [err] = (await once(socket, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    socket.destroy();
    assert.equal(err.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

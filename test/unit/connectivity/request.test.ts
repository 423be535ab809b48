import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import * as z from 'zod';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { createDispatcher } from '../../../src/core/http/dispatcher';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { HttpCode, requestJson } from '../../../src/core/http/request';
import { createTestCa, freePort, startHttpsServer, type TestCa, type TestServer } from '../../support/tls';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('requestJson against real HTTPS servers', () => {
  let ca: TestCa;
  let server: TestServer;
  let handler: Handler;
  let agent: Dispatcher & { close(): Promise<void> };

  before(async () => {
    ca = createTestCa();
    agent = await createDispatcher({ tls: { ca: ca.certPem, rejectUnauthorized: true } });
    server = await startHttpsServer({ ...ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }), handler: (req, res) => handler(req, res) });
  });
  after(async () => {
    await agent.close();
    await server.close();
  });

  it('sends a JSON body and validates the answer with a schema', async () => {
    handler = (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => json(res, 201, { method: req.method, type: req.headers['content-type'], echo: JSON.parse(body) }));
    };
    const schema = z.object({ method: z.string(), type: z.string(), echo: z.object({ name: z.string() }) });
    const { status, data } = await requestJson(agent, `${server.origin}/v1/registrations`, {
      method: 'POST',
      body: { name: 'server-01' },
      schema,
    });
    assert.equal(status, 201);
    assert.deepEqual(data, { method: 'POST', type: 'application/json', echo: { name: 'server-01' } });
  });

  it('refuses a 2xx body that does not match the schema, or is not JSON', async () => {
    handler = (_req, res) => json(res, 200, { unexpected: true });
    const err = await rejection(requestJson(agent, server.origin, { schema: z.object({ status: z.string() }) }));
    assert.ok(isSetupError(err, HttpCode.InvalidResponse) && /status/.test(String(err.params.reason)), inspect(err));

    handler = (_req, res) => res.end('<html>captive portal</html>');
    assert.ok(isSetupError(await rejection(requestJson(agent, server.origin)), HttpCode.InvalidResponse));
  });

  it("maps the vault's error body to a SetupError with its code, keeping flat details", async () => {
    handler = (_req, res) =>
      json(res, 409, { error: { code: '100110', message: 'Registered with another vault.', details: { vault: 'lab2', nested: { a: 1 } } } });
    const err = await rejection(requestJson(agent, server.origin));
    assert.ok(isSetupError(err, '100110'), inspect(err));
    assert.equal(err.message, 'Registered with another vault.');
    assert.deepEqual(err.params, { vault: 'lab2', httpStatus: 409 });
  });

  it("names a vault code this build does not know VaultErrorUnknown, keeping the vault's code and message", async () => {
    handler = (_req, res) => json(res, 418, { error: { code: 'TeapotRefused', message: 'I am a teapot.' } });
    const err = await rejection(requestJson(agent, server.origin));
    assert.ok(isSetupError(err, 'VaultErrorUnknown'), inspect(err));
    assert.equal(err.message, 'I am a teapot.');
    assert.deepEqual(err.params, { vaultCode: 'TeapotRefused', httpStatus: 418 });
  });

  it('names any other non-2xx answer by its status', async () => {
    handler = (_req, res) => {
      res.writeHead(502);
      res.end('bad gateway');
    };
    const err = await rejection(requestJson(agent, server.origin));
    assert.ok(isSetupError(err, HttpCode.HttpError) && err.params.httpStatus === 502, inspect(err));
  });

  it('caps the response size, declared or streamed', async () => {
    handler = (_req, res) => json(res, 200, { blob: 'x'.repeat(2048) });
    const declared = await rejection(requestJson(agent, server.origin, { maxResponseBytes: 1024 }));
    assert.ok(isSetupError(declared, HttpCode.ResponseTooLarge) && declared.params.limitBytes === 1024, inspect(declared));

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
      for (let i = 0; i < 64; i++) res.write(' '.repeat(64));
      res.end('{}');
    };
    assert.ok(isSetupError(await rejection(requestJson(agent, server.origin, { maxResponseBytes: 1024 })), HttpCode.ResponseTooLarge));
  });

  it('throws CancelledError when the caller aborts, even mid-request', async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    const pending = requestJson(agent, server.origin, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assert.ok((await rejection(pending)) instanceof CancelledError);
    assert.ok((await rejection(requestJson(agent, server.origin, { signal: AbortSignal.abort() }))) instanceof CancelledError);
  });

  it('reports a refused connection', async () => {
    const port = await freePort();
    const err = await rejection(requestJson(agent, `https://127.0.0.1:${port}/`));
    assert.ok(isSetupError(err, NetworkCode.ConnectionRefused) && err.params.port === port, inspect(err));
    assert.equal(err.params.agentCode, '100050');
  });

  describe('server certificate problems', () => {
    const cases: Array<{ name: string; code: NetworkCode; cert: () => ReturnType<TestCa['issue']>; ca?: () => string }> = [
      {
        name: 'issued by a CA the client does not trust',
        code: NetworkCode.TlsUntrustedCertificate,
        cert: () => createTestCa('Untrusted CA').issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }),
      },
      { name: 'issued for another host name', code: NetworkCode.TlsHostnameMismatch, cert: () => ca.issue({ commonName: 'vault.other', dnsNames: ['vault.other'] }) },
      {
        name: 'expired',
        code: NetworkCode.TlsCertificateExpired,
        cert: () => ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'], notBefore: new Date(Date.now() - 10 * 86400e3), notAfter: new Date(Date.now() - 86400e3) }),
      },
      {
        name: 'not yet valid',
        code: NetworkCode.TlsCertificateNotYetValid,
        cert: () => ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'], notBefore: new Date(Date.now() + 86400e3), notAfter: new Date(Date.now() + 10 * 86400e3) }),
      },
    ];
    for (const c of cases) {
      it(`names a certificate ${c.name}`, async () => {
        const bad = await startHttpsServer({ ...c.cert(), handler: (_req, res) => json(res, 200, {}) });
        try {
          const err = await rejection(requestJson(agent, `${bad.origin}/v1/health`));
          assert.ok(isSetupError(err, c.code), `expected ${c.code}, got ${inspect(err)}`);
          assert.equal(err.params.host, '127.0.0.1');
        } finally {
          await bad.close();
        }
      });
    }

    it('goes ahead when strict SSL is off', async () => {
      const bad = await startHttpsServer({ ...createTestCa('Untrusted CA').issue({ commonName: 'x' }), handler: (_req, res) => json(res, 200, { ok: true }) });
      try {
        const lax = await createDispatcher({ tls: { rejectUnauthorized: false } });
        assert.deepEqual((await requestJson(lax, bad.origin)).data, { ok: true });
        await lax.close();
      } finally {
        await bad.close();
      }
    });
  });
});

import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { CancelledError, SetupError, isSetupError } from '../../../src/core/errors';
import { createDispatcher } from '../../../src/core/http/dispatcher';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { HttpCode, requestJson } from '../../../src/core/http/request';
import { backoffDelayMs, isRetryableError, parseRetryAfter, withRetry } from '../../../src/core/http/retry';
import { createTestCa, startHttpsServer, type TestServer } from '../../support/tls';

/** Answers each request with the next scripted behaviour (the last one repeats). */
function script(...steps: Array<(res: ServerResponse, req: IncomingMessage) => void>) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    handler: (req: IncomingMessage, res: ServerResponse) => steps[Math.min(calls++, steps.length - 1)](res, req),
  };
}

const ok = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"registered":true}');
};
const status = (code: number) => (res: ServerResponse) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: `Vault${code}`, message: `status ${code}` } }));
};
/** Headers and half the promised body, then the connection drops. */
const resetMidResponse = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
  res.write('{"registered":');
  setTimeout(() => res.socket?.destroy(), 20);
};

const FAST = { baseDelayMs: 10, maxDelayMs: 50 };

describe('retry policy against real servers', () => {
  const ca = createTestCa();
  let agent: Awaited<ReturnType<typeof createDispatcher>>;
  let server: TestServer | undefined;

  before(async () => {
    agent = await createDispatcher({ tls: { ca: ca.certPem, rejectUnauthorized: true }, timeouts: { headersMs: 5_000 } });
  });

  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = await startHttpsServer({ ...ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }), handler });
    return `${server.origin}/v1/registrations`;
  }

  afterEach(() => server?.close());
  after(() => agent.close());

  it('retries 5xx answers until one succeeds', async () => {
    const s = script(status(503), status(500), ok);
    const url = await serve(s.handler);
    const retries: number[] = [];
    const { data } = await withRetry(() => requestJson(agent, url, { method: 'POST', body: {} }), {
      ...FAST,
      onRetry: ({ attempt }) => retries.push(attempt),
    });
    assert.deepEqual(data, { registered: true });
    assert.equal(s.calls, 3);
    assert.deepEqual(retries, [1, 2]);
  });

  it('never retries a 4xx answer', async () => {
    const s = script(status(400), ok);
    const url = await serve(s.handler);
    const err = await withRetry(() => requestJson(agent, url), FAST).catch((e: unknown) => e);
    assert.ok(isSetupError(err, 'VaultErrorUnknown') && err.params.vaultCode === 'Vault400' && err.params.httpStatus === 400, inspect(err));
    assert.equal(s.calls, 1);
  });

  it('retries a connection reset in the middle of the response', async () => {
    const s = script(resetMidResponse, ok);
    const url = await serve(s.handler);
    const seen: unknown[] = [];
    const { data } = await withRetry(() => requestJson(agent, url), { ...FAST, onRetry: ({ error }) => seen.push(error) });
    assert.deepEqual(data, { registered: true });
    assert.equal(s.calls, 2);
    assert.ok(isSetupError(seen[0], NetworkCode.ConnectionReset), inspect(seen[0]));
  });

  it('gives up after the last retry with the last error', async () => {
    const s = script(status(502));
    const url = await serve(s.handler);
    const err = await withRetry(() => requestJson(agent, url), { ...FAST, retries: 2 }).catch((e: unknown) => e);
    assert.ok(isSetupError(err, 'VaultErrorUnknown') && err.params.vaultCode === 'Vault502', inspect(err));
    assert.equal(s.calls, 3);
  });

  it('turns a server slower than the time-out into a timeout code', async () => {
    const s = script((res) => setTimeout(() => ok(res), 3_000));
    const url = await serve(s.handler);
    const started = Date.now();
    const err = await requestJson(agent, url, { timeoutMs: 300 }).catch((e: unknown) => e);
    assert.ok(isSetupError(err, NetworkCode.ResponseTimeout) && err.params.timeoutMs === 300, inspect(err));
    assert.ok(Date.now() - started < 2_000, 'gave up at the time-out, not when the server answered');
  });

  it('stops waiting between attempts when the caller cancels', async () => {
    const s = script(status(503));
    const url = await serve(s.handler);
    const controller = new AbortController();
    const pending = withRetry(() => requestJson(agent, url, { signal: controller.signal }), {
      baseDelayMs: 10_000,
      maxDelayMs: 10_000,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 20),
    });
    const started = Date.now();
    assert.ok((await pending.catch((e: unknown) => e)) instanceof CancelledError);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(s.calls, 1);
  });

  it('classifies what is worth retrying: 5xx, 429 and resets only', () => {
    assert.equal(isRetryableError(new SetupError('InternalError', 'busy', { httpStatus: 503 })), true);
    assert.equal(isRetryableError(new SetupError('AzureThrottled', 'slow down', { httpStatus: 429 })), true);
    assert.equal(isRetryableError(new SetupError('NotFound', 'gone', { httpStatus: 404 })), false);
    assert.equal(isRetryableError(new SetupError(NetworkCode.ConnectionReset, 'reset')), true);
    assert.equal(isRetryableError(new SetupError(NetworkCode.ConnectionRefused, 'refused')), false);
    assert.equal(isRetryableError(new Error('plain')), false);
  });

  it('waits exactly the Retry-After a refusal carries, and gives up at once when it asks for more than the cap', async () => {
    const throttled = (retryAfterMs: number) => new SetupError('AzureThrottled', 'slow down', { httpStatus: 429, retryAfterMs });
    const waits: number[] = [];
    let calls = 0;
    const started = Date.now();
    const value = await withRetry(
      async () => {
        if (calls++ < 2) throw throttled(300);
        return 'done';
      },
      { ...FAST, onRetry: ({ delayMs }) => waits.push(delayMs) },
    );
    assert.equal(value, 'done');
    assert.deepEqual(waits, [300, 300]);
    assert.ok(Date.now() - started >= 590, 'both waits happened');
    calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw throttled(120_000);
      },
      { ...FAST, maxRetryAfterMs: 60_000 },
    ).catch((e: unknown) => e);
    assert.ok(isSetupError(err, 'AzureThrottled'));
    assert.equal(calls, 1);
  });

  it("reads Retry-After's two forms: seconds and an HTTP date", () => {
    const now = Date.parse('2026-12-06T05:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7_000);
    assert.equal(parseRetryAfter('Sun, 06 Dec 2026 05:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sun, 06 Dec 2026 04:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('backs off exponentially within bounds, with jitter', () => {
    assert.equal(backoffDelayMs(1, 100, 1_000, () => 0), 50);
    assert.equal(backoffDelayMs(1, 100, 1_000, () => 1), 100);
    assert.equal(backoffDelayMs(3, 100, 1_000, () => 1), 400);
    assert.equal(backoffDelayMs(10, 100, 1_000, () => 1), 1_000);
    assert.equal(backoffDelayMs(10, 100, 1_000, () => 0), 500);
  });

  it('does not treat a bad answer body as retryable', async () => {
    const s = script((res) => res.end('not json'));
    const url = await serve(s.handler);
    const err = await withRetry(() => requestJson(agent, url), FAST).catch((e: unknown) => e);
    assert.ok(isSetupError(err, HttpCode.InvalidResponse));
    assert.equal(s.calls, 1);
  });
});

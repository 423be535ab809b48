import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { inspect } from 'node:util';
import { ProxyAgent } from 'undici';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { SetupError, isSetupError } from '../../../src/core/errors';
import { createDispatcher } from '../../../src/core/http/dispatcher';
import { NETWORK_AGENT_CODE, NetworkCode } from '../../../src/core/http/networkErrors';
import { requestJson } from '../../../src/core/http/request';
import { resolveProxy, type ProxyResolution } from '../../../src/core/proxy/resolve';
import { parseProxySettings, type ProxySettingsInput } from '../../../src/core/proxy/settings';
import { assertRedacted } from '../../support/redaction';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { freePort, createTestCa, startHttpsServer, type CertAndKey, type TestCa, type TestServer } from '../../support/tls';

const USER = 'alice';
const PASSWORD = 'Sq1d-pa55word!';


describe('requests through a real squid proxy', function () {
  let ca: TestCa;
  let clientCert: CertAndKey;
  let vault: TestServer;
  let authSquid: Squid;
  let openSquid: Squid;
  const dispatchers: Array<{ close(): Promise<void> }> = [];

  before(async function () {
    const reason = squidUnavailableReason();
    if (reason) {
      console.warn(`    skipping the squid tests: ${reason}`);
      this.skip();
    }
    ca = createTestCa();
    clientCert = ca.issue({ commonName: 'server-01', usage: 'client' });
    // The vault stand-in demands a client certificate from the CA, like the real registration endpoint.
    vault = await startHttpsServer({
      ...ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }),
      clientCa: ca.certPem,
      handler: (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ clientCn: peer.subject?.CN }));
      },
    });
    [authSquid, openSquid] = await Promise.all([startSquid({ auth: { user: USER, password: PASSWORD } }), startSquid()]);
  });

  after(async () => {
    await Promise.all(dispatchers.map((d) => d.close()));
    await Promise.all([authSquid?.stop(), openSquid?.stop(), vault?.close()]);
  });

  function proxySettings(squid: Squid, extra: Partial<ProxySettingsInput> = {}) {
    return parseProxySettings({ mode: 'settings', host: '127.0.0.1', port: squid.port, ...extra });
  }

  async function call(resolution: ProxyResolution) {
    const dispatcher = await createDispatcher({
      proxy: resolution.proxy,
      tls: { ca: ca.certPem, cert: clientCert.certPem, key: clientCert.keyPem, rejectUnauthorized: resolution.strictSSL },
      timeouts: { connectMs: 5_000 },
    });
    dispatchers.push(dispatcher);
    return { dispatcher, response: requestJson(dispatcher, `${vault.origin}/v1/registrations`, { timeoutMs: 10_000 }) };
  }

  async function expectFailure(resolution: ProxyResolution, code: ErrorCode): Promise<SetupError> {
    const { response } = await call(resolution);
    const err = await response.then(
      () => assert.fail('the request should have failed'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
    return err;
  }

  it('sends mutual TLS through the CONNECT tunnel with basic proxy auth', async () => {
    const resolution = resolveProxy(proxySettings(authSquid, { user: USER, password: PASSWORD }), vault.origin);
    const { dispatcher, response } = await call(resolution);
    assert.ok(dispatcher instanceof ProxyAgent);
    const { status, data } = await response;
    assert.equal(status, 200);
    assert.deepEqual(data, { clientCn: 'server-01' });
  });

  it('reports 407 without credentials as proxy authentication required', async () => {
    const err = await expectFailure(resolveProxy(proxySettings(authSquid), vault.origin), NetworkCode.ProxyAuthRequired);
    assert.equal(err.params.agentCode, NETWORK_AGENT_CODE);
    assert.equal(err.params.proxyStatus, 407);
    assert.equal(err.params.proxy, `http://127.0.0.1:${authSquid.port}`);
  });

  it('reports 407 for a wrong password, naming the user but never the password', async () => {
    const wrong = { user: USER, password: `${PASSWORD}-wrong` };
    const err = await expectFailure(resolveProxy(proxySettings(authSquid, wrong), vault.origin), NetworkCode.ProxyAuthRequired);
    assert.equal(err.params.proxy, `http://${USER}@127.0.0.1:${authSquid.port}`);
    assertRedacted(err, wrong);
  });

  it('reports a proxy that is down as unreachable, with the proxy address', async () => {
    const port = await freePort();
    const settings = parseProxySettings({ mode: 'settings', host: '127.0.0.1', port, user: USER, password: PASSWORD });
    const err = await expectFailure(resolveProxy(settings, vault.origin), NetworkCode.ProxyUnreachable);
    assert.equal(err.params.host, '127.0.0.1');
    assert.equal(err.params.port, port);
    assertRedacted(err, { user: USER, password: PASSWORD });
  });

  it('reports a target the proxy cannot reach with the proxy status', async () => {
    const resolution = resolveProxy(proxySettings(openSquid), 'https://127.0.0.1:1/');
    const dispatcher = await createDispatcher({ proxy: resolution.proxy, tls: { rejectUnauthorized: true } });
    dispatchers.push(dispatcher);
    const err = await requestJson(dispatcher, 'https://127.0.0.1:1/v1/health').catch((e: unknown) => e);
    assert.ok(isSetupError(err, NetworkCode.ProxyConnectFailed), inspect(err));
    assert.equal(err.params.proxyStatus, 503);
  });

  it('goes direct for targets on the no-proxy list (a wrong password would fail through the proxy)', async () => {
    const settings = proxySettings(authSquid, { user: USER, password: 'wrong', noProxy: ['127.0.0.0/8'] });
    const resolution = resolveProxy(settings, vault.origin);
    assert.equal(resolution.bypassedBy, '127.0.0.0/8');
    const { dispatcher, response } = await call(resolution);
    assert.ok(!(dispatcher instanceof ProxyAgent));
    assert.deepEqual((await response).data, { clientCn: 'server-01' });
  });

  it('environment mode: HTTPS_PROXY with credentials reaches the vault, NO_PROXY bypasses', async () => {
    const env = { HTTPS_PROXY: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${authSquid.port}` };
    const resolution = resolveProxy(parseProxySettings({ mode: 'environment' }), vault.origin, { env });
    assert.equal(resolution.proxy?.origin, `http://127.0.0.1:${authSquid.port}`);
    assert.deepEqual((await (await call(resolution)).response).data, { clientCn: 'server-01' });

    const wrongPassword = 'Env-n0pe-pa55word!';
    const wrong = { HTTPS_PROXY: `http://${USER}:${encodeURIComponent(wrongPassword)}@127.0.0.1:${authSquid.port}` };
    const err = await expectFailure(resolveProxy(parseProxySettings({ mode: 'environment' }), vault.origin, { env: wrong }), NetworkCode.ProxyAuthRequired);
    assertRedacted(err, { user: USER, password: wrongPassword });
    const bypass = resolveProxy(parseProxySettings({ mode: 'environment' }), vault.origin, { env: { ...wrong, NO_PROXY: '127.0.0.1' } });
    assert.equal(bypass.proxy, undefined);
  });

  it('keeps the password out of every error through the proxy', async () => {
    const wrongCa = createTestCa('Some Other CA');
    const resolution = resolveProxy(proxySettings(authSquid, { user: USER, password: PASSWORD }), vault.origin);
    const dispatcher = await createDispatcher({ proxy: resolution.proxy, tls: { ca: wrongCa.certPem, rejectUnauthorized: true } });
    dispatchers.push(dispatcher);
    const tlsErr = await requestJson(dispatcher, `${vault.origin}/v1/health`).catch((e: unknown) => e);
    assert.ok(isSetupError(tlsErr, NetworkCode.TlsUntrustedCertificate), inspect(tlsErr));
    assertRedacted(tlsErr, { user: USER, password: PASSWORD });

    const wrong = { user: USER, password: `x${PASSWORD}` };
    const authErr = await expectFailure(resolveProxy(proxySettings(authSquid, wrong), vault.origin), NetworkCode.ProxyAuthRequired);
    assertRedacted(authErr, wrong);
  });
});

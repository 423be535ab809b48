import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { CancelledError } from '../../../src/core/errors';
import { checkConnectivity, ConnectivityCode, StageCode, type ConnectivityReport, type StageName } from '../../../src/core/connectivity/check';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { HttpCode } from '../../../src/core/http/request';
import { resolveProxy } from '../../../src/core/proxy/resolve';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { startVault, type RunningVault } from '../../../src/vault';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { createSelfSigned, createTestCa, freePort, startHttpsServer, type CertAndKey, type TestCa } from '../../support/tls';

const DAY = 86_400_000;

function stage(report: ConnectivityReport, name: StageName) {
  const found = report.stages.find((s) => s.stage === name);
  assert.ok(found, `no ${name} stage in ${inspect(report, { depth: 5 })}`);
  return found;
}

/** The named stage failed with `code`, and every later stage was skipped. */
function assertFailedAt(report: ConnectivityReport, name: StageName, code: string) {
  const failed = stage(report, name);
  assert.equal(failed.status, 'failed', inspect(report, { depth: 5 }));
  assert.equal(failed.code, code, inspect(report, { depth: 5 }));
  assert.equal(report.ok, false);
  const later = report.stages.slice(report.stages.indexOf(failed) + 1);
  for (const s of later) {
    assert.equal(s.status, 'skipped');
    // A direct check says why it has no proxy stage, whatever happened before it.
    assert.equal(s.code, s.stage === 'proxyConnect' && !report.proxy ? StageCode.NotProxied : StageCode.SkippedAfterFailure);
  }
  for (const s of report.stages.slice(0, report.stages.indexOf(failed))) assert.notEqual(s.status, 'failed');
  return failed;
}

describe('checkConnectivity', () => {
  let dataDir: string;
  let vault: RunningVault;
  let ca: TestCa;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'conncheck-vault-'));
    vault = await startVault({ dataDir, port: 0 });
    ca = createTestCa();
  });
  after(async () => {
    await vault?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const trustVault = { ca: () => ({ ca: vault.caCertPem, rejectUnauthorized: true }) };

  it('reports every stage of a healthy direct connection to the real vault', async () => {
    const report = await checkConnectivity(vault.url, { tls: trustVault.ca(), timeoutMs: 5_000 });
    assert.equal(report.ok, true, inspect(report, { depth: 5 }));
    assert.deepEqual(
      report.stages.map((s) => [s.stage, s.status, s.code]),
      [
        ['dns', 'ok', StageCode.DnsResolved],
        ['tcp', 'ok', StageCode.TcpConnected],
        ['proxyConnect', 'skipped', StageCode.NotProxied],
        ['tls', 'ok', StageCode.TlsEstablished],
        ['health', 'ok', StageCode.VaultHealthy],
      ],
    );
    for (const s of report.stages) assert.ok(s.durationMs >= 0 && s.durationMs < 5_000);
    assert.equal(stage(report, 'dns').params.literal, true);
    assert.match(String(stage(report, 'tls').params.protocol), /^TLSv1\.[23]$/);
    assert.equal(report.health?.status, 'ok');
    assert.equal(report.health?.service, 'local-backup-vault');
    assert.ok(Math.abs(Number(stage(report, 'health').params.clockSkewMs)) < 5_000);
  });

  it('resolves a host name with the system resolver', async () => {
    const report = await checkConnectivity(vault.url.replace('127.0.0.1', 'localhost'), { tls: trustVault.ca(), timeoutMs: 5_000 });
    assert.match(String(stage(report, 'dns').params.addresses), /127\.0\.0\.1|::1/);
    assert.equal(stage(report, 'tcp').status, 'ok', inspect(report, { depth: 5 }));
    assert.equal(report.ok, true, inspect(report, { depth: 5 }));
  });

  it('fails at DNS for a name that cannot exist', async () => {
    const report = await checkConnectivity('https://vault.nowhere.invalid:8443', { tls: trustVault.ca(), timeoutMs: 5_000 });
    const dns = assertFailedAt(report, 'dns', NetworkCode.DnsLookupFailed);
    assert.equal(dns.params.host, 'vault.nowhere.invalid');
  });

  it('fails at TCP when nothing listens', async () => {
    const port = await freePort();
    const tcp = assertFailedAt(await checkConnectivity(`https://127.0.0.1:${port}`, { tls: trustVault.ca() }), 'tcp', NetworkCode.ConnectionRefused);
    assert.equal(tcp.params.port, port);
  });

  it('fails at TLS with a time-out when the server never answers the handshake', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const report = await checkConnectivity(`https://127.0.0.1:${port}`, { tls: trustVault.ca(), timeoutMs: 300 });
      const tls = assertFailedAt(report, 'tls', NetworkCode.ConnectTimeout);
      assert.equal(tls.params.timeoutMs, 300);
      assert.ok(tls.durationMs >= 250 && tls.durationMs < 2_000, String(tls.durationMs));
    } finally {
      silent.close();
    }
  });

  it('throws CancelledError when aborted mid-stage', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const err = await checkConnectivity(`https://127.0.0.1:${port}`, { tls: trustVault.ca(), signal: controller.signal }).catch((e: unknown) => e);
      assert.ok(err instanceof CancelledError, inspect(err));
      assert.ok(Date.now() - started < 2_000);
    } finally {
      silent.close();
    }
  });

  describe('server certificates', () => {
    async function checkAgainst(cert: CertAndKey, tls = { ca: ca.certPem, rejectUnauthorized: true }) {
      const server = await startHttpsServer({ ...cert, handler: (_req, res) => res.end('{"status":"ok"}') });
      try {
        return await checkConnectivity(`${server.origin}/`, { tls, timeoutMs: 5_000 });
      } finally {
        await server.close();
      }
    }
    const loopback = { commonName: '127.0.0.1', ips: ['127.0.0.1'] };

    it('names an unknown CA', async () => {
      const report = await checkAgainst(createTestCa('Stranger CA').issue(loopback));
      const tls = assertFailedAt(report, 'tls', NetworkCode.TlsUntrustedCertificate);
      assert.equal(tls.params.reason, 'unknown-ca');
      assert.equal(tls.params.tlsCode, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    it('names a self-signed certificate', async () => {
      const tls = assertFailedAt(await checkAgainst(createSelfSigned(loopback)), 'tls', NetworkCode.TlsUntrustedCertificate);
      assert.equal(tls.params.reason, 'self-signed');
    });

    it('names a hostname mismatch', async () => {
      const tls = assertFailedAt(await checkAgainst(ca.issue({ commonName: 'vault.other', dnsNames: ['vault.other'] })), 'tls', NetworkCode.TlsHostnameMismatch);
      assert.equal(tls.params.tlsCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('names an expired certificate', async () => {
      const expired = ca.issue({ ...loopback, notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
      assertFailedAt(await checkAgainst(expired), 'tls', NetworkCode.TlsCertificateExpired);
    });

    it('names a certificate that is not valid yet', async () => {
      const future = ca.issue({ ...loopback, notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) });
      assertFailedAt(await checkAgainst(future), 'tls', NetworkCode.TlsCertificateNotYetValid);
    });

    it('with strict SSL off, goes on but still names the problem', async () => {
      const report = await checkAgainst(createTestCa('Stranger CA').issue(loopback), { ca: ca.certPem, rejectUnauthorized: false });
      assert.equal(report.ok, true, inspect(report, { depth: 5 }));
      assert.equal(stage(report, 'tls').params.warning, NetworkCode.TlsUntrustedCertificate);
    });

    it('names a client certificate the server insists on', async () => {
      const server = await startHttpsServer({ ...ca.issue(loopback), clientCa: ca.certPem, handler: (_req, res) => res.end('{"status":"ok"}') });
      try {
        const report = await checkConnectivity(server.origin, { tls: { ca: ca.certPem, rejectUnauthorized: true }, timeoutMs: 5_000 });
        assertFailedAt(report, 'health', NetworkCode.TlsClientCertificateRejected);
        assert.equal(stage(report, 'tls').status, 'ok');
      } finally {
        await server.close();
      }
    });
  });

  describe('health answers', () => {
    async function healthOf(handler: Parameters<typeof startHttpsServer>[0]['handler']) {
      const server = await startHttpsServer({ ...ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }), handler });
      try {
        return await checkConnectivity(server.origin, { tls: { ca: ca.certPem, rejectUnauthorized: true }, timeoutMs: 2_000 });
      } finally {
        await server.close();
      }
    }

    it('fails on an HTTP error status', async () => {
      const report = await healthOf((_req, res) => {
        res.writeHead(503);
        res.end();
      });
      assert.equal(assertFailedAt(report, 'health', HttpCode.HttpError).params.httpStatus, 503);
    });

    it('fails when the service says it is not ok', async () => {
      const report = await healthOf((_req, res) => res.end('{"status":"degraded"}'));
      assert.equal(assertFailedAt(report, 'health', ConnectivityCode.VaultUnhealthy).params.status, 'degraded');
    });

    it('fails with a time-out when the answer never comes', async () => {
      assertFailedAt(await healthOf(() => undefined), 'health', NetworkCode.ResponseTimeout);
    });
  });

  describe('through a real squid', function () {
    let authSquid: Squid;
    let openSquid: Squid;
    const PASSWORD = 'c0nn-check-pw';

    before(async function () {
      const reason = squidUnavailableReason();
      if (reason) {
        console.warn(`    skipping the squid tests: ${reason}`);
        this.skip();
      }
      [authSquid, openSquid] = await Promise.all([startSquid({ auth: { user: 'bob', password: PASSWORD } }), startSquid()]);
    });
    after(() => Promise.all([authSquid?.stop(), openSquid?.stop()]));

    function via(squid: Squid, credentials?: { user: string; password: string }) {
      return resolveProxy(parseProxySettings({ mode: 'settings', host: '127.0.0.1', port: squid.port, ...credentials }), vault.url);
    }

    it('reaches the real vault through the tunnel, stage by stage', async () => {
      const report = await checkConnectivity(vault.url, { proxy: via(authSquid, { user: 'bob', password: PASSWORD }), tls: trustVault.ca() });
      assert.equal(report.ok, true, inspect(report, { depth: 5 }));
      assert.equal(report.proxy, `http://bob@127.0.0.1:${authSquid.port}`);
      assert.equal(stage(report, 'tcp').params.port, authSquid.port, 'TCP goes to the proxy');
      assert.equal(stage(report, 'proxyConnect').status, 'ok');
      assert.equal(report.health?.status, 'ok');
      assert.ok(!JSON.stringify(report).includes(PASSWORD));
    });

    it('names 407 at the CONNECT stage, with and without a wrong password', async () => {
      for (const credentials of [undefined, { user: 'bob', password: 'wrong' }]) {
        const report = await checkConnectivity(vault.url, { proxy: via(authSquid, credentials), tls: trustVault.ca() });
        const connect = assertFailedAt(report, 'proxyConnect', NetworkCode.ProxyAuthRequired);
        assert.equal(connect.params.proxyStatus, 407);
        assert.equal(connect.params.agentCode, '100050');
      }
    });

    it('names other proxy answers with their status', async () => {
      const port = await freePort();
      const report = await checkConnectivity(`https://127.0.0.1:${port}`, { proxy: via(openSquid), tls: trustVault.ca() });
      const connect = assertFailedAt(report, 'proxyConnect', NetworkCode.ProxyConnectFailed);
      assert.equal(connect.params.proxyStatus, 503);
    });

    it('names a proxy that is down at the TCP stage', async () => {
      const port = await freePort();
      const proxy = resolveProxy(parseProxySettings({ mode: 'settings', host: '127.0.0.1', port }), vault.url);
      const tcp = assertFailedAt(await checkConnectivity(vault.url, { proxy, tls: trustVault.ca() }), 'tcp', NetworkCode.ProxyUnreachable);
      assert.equal(tcp.params.port, port);
    });

    it('resolves the proxy host, not the target, when proxied', async () => {
      const proxy = resolveProxy(parseProxySettings({ mode: 'settings', host: 'proxy.nowhere.invalid', port: 3128 }), vault.url);
      const dns = assertFailedAt(await checkConnectivity(vault.url, { proxy, tls: trustVault.ca() }), 'dns', NetworkCode.DnsLookupFailed);
      assert.equal(dns.params.host, 'proxy.nowhere.invalid');
    });

    it('checks the TLS certificate through the tunnel too', async () => {
      const report = await checkConnectivity(vault.url, { proxy: via(openSquid), tls: { ca: ca.certPem, rejectUnauthorized: true } });
      assertFailedAt(report, 'tls', NetworkCode.TlsUntrustedCertificate);
      assert.equal(stage(report, 'proxyConnect').status, 'ok');
    });
  });
});

/**
 * The admin route's installer download (agents/mars/fetchInstaller.ts) against a real local HTTPS
 * server: the link's redirects followed over https only, the body returned whole, a refusal
 * reported, and the server's certificate verified unless the user turned verification off (which
 * the other cases do, the test server's certificate being self-signed). The 200 MB cap is tested
 * on an announced length (no 200 MB body is sent). Not exercised: a proxy, and Microsoft's real
 * download host.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { MAX_INSTALLER_BYTES, fetchInstaller } from '../../../src/core/agents/mars/fetchInstaller';
import { isSetupError } from '../../../src/core/errors';
import { createSelfSigned, startHttpsServer, type TestServer } from '../../support/tls';

const BYTES = Buffer.from('MZ' + 'x'.repeat(64 * 1024), 'latin1');
const route = (strictSSL: boolean) => ({ proxy: { source: 'off' as const, strictSSL } });

describe('MARS installer download on the admin side (local HTTPS server)', function () {
  this.timeout(30_000);
  let server: TestServer;
  const seen: string[] = [];
  before(async () => {
    const { certPem, keyPem } = createSelfSigned({ commonName: '127.0.0.1', ips: ['127.0.0.1'] });
    server = await startHttpsServer({
      certPem,
      keyPem,
      handler: (req, res: ServerResponse) => {
        seen.push(req.url ?? '');
        const to = (location: string) => res.writeHead(302, { location }).end();
        if (req.url === '/azurebackup_agent') return to('/hop');
        if (req.url === '/hop') return to(`${server.origin}/MARSAgentInstaller.exe`);
        if (req.url === '/MARSAgentInstaller.exe') return res.writeHead(200, { 'content-length': BYTES.length }).end(BYTES);
        if (req.url === '/to-http') return to(`http://127.0.0.1:${server.port}/MARSAgentInstaller.exe`);
        if (req.url === '/loop') return to('/loop');
        // Announces more than the cap, then sends a little and ends: the download must refuse on the header.
        if (req.url === '/huge') return res.writeHead(200, { 'content-length': MAX_INSTALLER_BYTES + 1 }).end(BYTES);
        res.writeHead(404).end();
      },
    });
  });
  after(() => server?.close());

  it('follows the link to the installer and returns its bytes', async () => {
    seen.length = 0;
    const bytes = await fetchInstaller(`${server.origin}/azurebackup_agent`, route(false));
    assert.ok(Buffer.from(bytes).equals(BYTES));
    assert.deepEqual(seen, ['/azurebackup_agent', '/hop', '/MARSAgentInstaller.exe']);
  });

  it('refuses a redirect away from https, a redirect loop and a refusal, naming the host', async () => {
    await assert.rejects(fetchInstaller(`${server.origin}/to-http`, route(false)), (err) => isSetupError(err, 'AgentDownloadFailed') && /not https/.test(String(err.params.reason)));
    await assert.rejects(fetchInstaller(`${server.origin}/loop`, route(false)), (err) => isSetupError(err, 'AgentDownloadFailed') && /redirects/.test(String(err.params.reason)));
    await assert.rejects(fetchInstaller(`${server.origin}/missing`, route(false)), (err) => isSetupError(err, 'AgentDownloadFailed') && err.params.httpStatus === 404 && err.params.host === `127.0.0.1:${server.port}`);
  });

  it('refuses an installer announced larger than the cap, before reading it', async () => {
    await assert.rejects(fetchInstaller(`${server.origin}/huge`, route(false)), (err) => isSetupError(err, 'AgentDownloadFailed') && /larger than/.test(String(err.params.reason)));
  });

  it('verifies the server certificate unless verification is off', async () => {
    await assert.rejects(fetchInstaller(`${server.origin}/MARSAgentInstaller.exe`, route(true)), (err) => isSetupError(err) && !isSetupError(err, 'AgentDownloadFailed'));
  });
});

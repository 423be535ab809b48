/**
 * The Azure client layer (src/core/vault/azure/arm.ts) through the real SDK clients and the
 * project's network stack: against the local vault's ARM emulator (real TLS, its CA trusted for it
 * only), and against scripted HTTPS servers for what the emulator never answers (the REST API's
 * own example payloads, 403, 429 with Retry-After, a foreign nextLink).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { inspect } from 'node:util';
import { parseCredentials } from '../../../../src/core/credentials/parse';
import { SetupError } from '../../../../src/core/errors';
import { parseProxySettings } from '../../../../src/core/proxy/settings';
import { Secret } from '../../../../src/core/secret';
import { endpointKey } from '../../../../src/core/trust/endpoint';
import { RECOVERY_SERVICES_API_VERSION, SUBSCRIPTIONS_API_VERSION } from '../../../../src/core/vault/azure/apiVersions';
import { ArmSession, type VaultRef } from '../../../../src/core/vault/azure/arm';
import { armIssuerForVault } from '../../../../src/core/vault/azure/armIssuer';
import { armEndpoint, DEFAULT_CLOUD } from '../../../../src/core/vault/azure/endpoint';
import { fixedToken, type ArmTokenSource } from '../../../../src/core/vault/azure/token';
import { chooseVault } from '../../../../src/core/vault/choose';
import { fillTemplate } from '../../../../src/core/l10n/template';
import { captureLogger, type CaptureLogger } from '../../../support/service';
import { startSquid, squidUnavailableReason } from '../../../support/squid';
import { createTestCa, freePort, startHttpsServer, type TestServer } from '../../../support/tls';
import { issueTestCredentials, registerMachine, startTestVault, tempDir, vaultClient, type TestVault } from '../../../support/vault';
import { specCertificateResponseBody, specVault } from './specExamples';

const OFF = parseProxySettings({ mode: 'off' });
const FAST_RETRY = { retries: 2, baseDelayMs: 10, maxDelayMs: 20 };

async function refusal(promise: Promise<unknown>): Promise<SetupError> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SetupError, `a SetupError, not ${inspect(err)}`);
  return err;
}

function session(url: string, caPem: string, token: ArmTokenSource, logger: CaptureLogger): ArmSession {
  return new ArmSession({ endpoint: armEndpoint(url), token, logger, proxy: OFF, trust: [{ endpoint: endpointKey(url), pem: caPem }], retry: FAST_RETRY });
}

describe('Azure client layer against the ARM emulator', function () {
  this.timeout(60_000);
  const SUBSCRIPTION = randomUUID();
  let vault: TestVault;
  let token: string;
  let arm: ArmSession;
  let tenantId: string;
  const logger = captureLogger();
  const ref: VaultRef = { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-lab', vault: 'lab1' };

  before(async () => {
    vault = await startTestVault();
    token = readFileSync(path.join(vault.dataDir, 'arm-token'), 'utf8').trim();
    tenantId = (await vault.admin.createVault({ name: 'lab1', subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-lab', location: 'westeurope' })).tenantId;
    await vault.admin.createVault({ name: 'lab2', subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-other', location: 'northeurope' });
    arm = session(vault.url, vault.caCertPem, fixedToken(new Secret(token), vault.url), logger);
  });
  after(async () => {
    await arm?.close();
    await vault?.close();
  });

  it("lists the directories, and a directory's subscriptions, with the names the portal shows", async () => {
    const other = await vault.admin.createVault({ name: 'elsewhere', subscriptionId: randomUUID() });
    const tenants = await arm.listTenants();
    assert.deepEqual(tenants.map((t) => t.tenantId).sort(), [tenantId, other.tenantId].sort());
    assert.equal(tenants.find((t) => t.tenantId === tenantId)!.displayName, `Local directory ${tenantId.slice(0, 8)}`);
    assert.deepEqual(await arm.listSubscriptions(tenantId), [{ subscriptionId: SUBSCRIPTION, displayName: `Local subscription ${SUBSCRIPTION.slice(0, 8)}`, tenantId, state: 'Enabled' }]);
    assert.deepEqual((await arm.listSubscriptions()).map((s) => s.subscriptionId).sort(), [SUBSCRIPTION, other.subscriptionId].sort());
  });

  it('lists the vaults of a subscription and of a resource group with the names the portal shows', async () => {
    const all = await arm.listVaults(SUBSCRIPTION);
    assert.deepEqual(
      all.map(({ vault: name, resourceGroup, location }) => ({ name, resourceGroup, location })),
      [
        { name: 'lab1', resourceGroup: 'rg-lab', location: 'westeurope' },
        { name: 'lab2', resourceGroup: 'rg-other', location: 'northeurope' },
      ],
    );
    assert.deepEqual((await arm.listVaults(SUBSCRIPTION, 'rg-other')).map((v) => v.vault), ['lab2']);
  });

  it('gets a fresh credentials file: the exact resourceId, chosen as the local vault with the configured endpoint, unknown without it', async () => {
    const issued = await arm.getFreshCredentials(ref);
    const identity = (await vault.admin.listVaults()).find((v) => v.identity.name === 'lab1')!.identity;
    assert.ok(BigInt(identity.resourceId) > 2n ** 53n);
    const credentials = parseCredentials(Buffer.from(issued.xml), issued.fileName);
    assert.equal(credentials.resourceId, identity.resourceId);
    assert.equal(credentials.vaultName, 'lab1');
    assert.equal(credentials.location, 'westeurope');
    assert.equal(credentials.endpoint.replace(/\/$/, ''), vault.url.replace(/\/$/, ''));
    assert.match(issued.fileName, /^lab1_\w{3} \w{3} \d{2} \d{4}\.VaultCredentials$/);
    assert.deepEqual(chooseVault(credentials, { armEndpoint: vault.url }), { backend: 'local', agent: 'reference' });
    assert.throws(() => chooseVault(credentials), (e: unknown) => e instanceof SetupError && e.code === 'VaultBackendUnknown');

    // openssl opens the ManagementCert with an empty password: the certificate and its own key.
    const dir = await tempDir('arm-openssl-');
    try {
      const pfx = path.join(dir, 'management.pfx');
      await fs.writeFile(pfx, Buffer.from(/<ManagementCert>([^<]*)<\/ManagementCert>/.exec(issued.xml)![1]!, 'base64'), { mode: 0o600 });
      const out = execFileSync('openssl', ['pkcs12', '-in', pfx, '-passin', 'pass:', '-nodes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const keyPem = /-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/.exec(out)![0];
      const certPem = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(out)![0];
      assert.ok(new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem)), 'the key belongs to the certificate');
      assert.equal(new X509Certificate(certPem).subject, 'CN=Windows Azure Tools');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("lists the vault's registered servers with their last backup, removes one, and removing one never registered is a 404 with its next step", async () => {
    const { client } = await issueTestCredentials(vault, 'lab1');
    const credentialsClient = vaultClient(vault, client);
    let registrationId: string;
    try {
      ({ registrationId } = await registerMachine(credentialsClient, { serverName: 'srv-a', agentVersion: '2.0.1' }));
    } finally {
      await credentialsClient.close();
    }
    await vault.admin.recordBackup(registrationId, 'C:\\Data');
    const servers = await arm.listServers(ref);
    assert.equal(servers.length, 1);
    const [srv] = servers;
    assert.equal(srv!.name, 'srv-a');
    assert.equal(srv!.agentVersion, '2.0.1');
    assert.equal(srv!.protectedItemCount, 1);
    assert.deepEqual(srv!.backupItems, ['C:\\Data']);
    assert.equal(srv!.lastBackupStatus, 'Completed');
    assert.ok(Math.abs(Date.parse(srv!.lastBackupAt!) - vault.clock.now().getTime()) < 1_000, srv!.lastBackupAt);

    // What a removal deletes: each item's recovery points (the same folder twice, another once), counted, and the latest one.
    assert.deepEqual(await arm.recoveryPoints(ref, srv!), { count: 1, latestAt: srv!.lastBackupAt });
    vault.clock.advance(3_600_000);
    await vault.admin.recordBackup(registrationId, 'C:\\Data');
    vault.clock.advance(3_600_000);
    const latest = await vault.admin.recordBackup(registrationId, 'E:\\Logs');
    assert.deepEqual(await arm.recoveryPoints(ref, srv!), { count: 3, latestAt: latest.backupItems.find((b) => b.name === 'E:\\Logs')!.lastBackupAt });
    assert.deepEqual(await arm.recoveryPoints(ref, { name: 'srv-none', friendlyName: 'srv-none' }), { count: 0 });

    await arm.removeServer(ref, 'srv-a');
    assert.deepEqual(await arm.listServers(ref), []);
    const err = await refusal(arm.removeServer(ref, 'never-registered'));
    assert.equal(err.code, 'AzureResourceNotFound');
    assert.equal(err.params.action, 'checkAzureVault');
    assert.match(err.message, /registered server never-registered in vault lab1/);
  });

  it('gets a security PIN the vault accepts once for a passphrase change, held as a Secret with its expiry, never logged', async () => {
    const { client } = await issueTestCredentials(vault, 'lab1');
    const credentialsClient = vaultClient(vault, client);
    let machineClient: ReturnType<typeof vaultClient> | undefined;
    try {
      const machine = await registerMachine(credentialsClient, { serverName: 'srv-pin' });
      machineClient = vaultClient(vault, machine.client);
      const { pin, expiresAt } = await arm.securityPin(ref);
      assert.ok(pin instanceof Secret);
      assert.doesNotMatch(inspect(pin), /\d{8}/, 'inspecting the Secret shows no digits');
      assert.ok(expiresAt && Math.abs(expiresAt.getTime() - (vault.clock.now().getTime() + 5 * 60_000)) < 5_000, String(expiresAt));
      const change = () => machineClient!.request('POST', `/v1/registrations/${machine.registrationId}/passphrase-change`, { json: { securityPin: pin.reveal() } });
      assert.equal((await change()).status, 200);
      assert.equal((await change()).json.error.code, 'SecurityPinAlreadyUsed');
      assert.ok(!logger.lines.some((l) => l.includes(pin.reveal())), 'the PIN is never logged');
    } finally {
      await credentialsClient.close();
      await machineClient?.close();
    }
  });

  it('finds a vault named only by its name in the subscriptions picked before (any case), and names the vault when none holds it', async () => {
    const issuer = await armIssuerForVault(arm, [randomUUID(), SUBSCRIPTION], 'LAB2');
    const { pin } = await issuer.issueSecurityPin('lab2');
    assert.match(pin.reveal(), /^\d{8}$/);
    const err = await refusal(armIssuerForVault(arm, [SUBSCRIPTION], 'elsewhere'));
    assert.equal(err.code, 'AzureVaultNotInRecentSubscriptions');
    assert.equal(err.params.vault, 'elsewhere');
    assert.equal(err.params.action, 'checkAzureVault');
    const es = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../l10n/errors.es.json'), 'utf8')) as Record<string, string>;
    assert.match(fillTemplate(es[err.code]!, err.params) ?? '', /almacén elsewhere/, 'the Spanish text fills from its params');
  });

  it('answers a wrong token with AzureSignInRequired (401), and a missing vault with AzureResourceNotFound (404)', async () => {
    const wrong = session(vault.url, vault.caCertPem, fixedToken(new Secret('not-the-token'), vault.url), logger);
    try {
      const err = await refusal(wrong.listVaults(SUBSCRIPTION));
      assert.equal(err.code, 'AzureSignInRequired');
      assert.equal(err.params.httpStatus, 401);
      assert.equal(err.params.action, 'signInToAzure');
      assert.ok(!JSON.stringify(err).includes('not-the-token') && !err.message.includes('not-the-token'));
    } finally {
      await wrong.close();
    }
    const missing = await refusal(arm.getFreshCredentials({ ...ref, vault: 'nosuchvault' }));
    assert.equal(missing.code, 'AzureResourceNotFound');
    assert.match(missing.message, /nosuchvault/);
  });

  it("refuses a Microsoft token for the emulator, and the emulator's token for Azure's Resource Manager, before any request", () => {
    const microsoft: ArmTokenSource = { credential: { getToken: async () => assert.fail('no token is asked for') }, issuedFor: { kind: 'microsoft', cloud: DEFAULT_CLOUD.name } };
    assert.throws(() => session(vault.url, vault.caCertPem, microsoft, logger), (e: unknown) => e instanceof SetupError && e.code === 'AzureTokenNotForEndpoint');
    const emulatorToken = fixedToken(new Secret(token), vault.url);
    assert.throws(
      () => new ArmSession({ endpoint: armEndpoint(), token: emulatorToken, logger, proxy: OFF }),
      (e: unknown) => e instanceof SetupError && e.code === 'AzureTokenNotForEndpoint' && !e.message.includes(token),
    );
  });

  it('trusts the emulator CA for the emulator only: without it the TLS error is typed', async () => {
    const untrusted = new ArmSession({ endpoint: armEndpoint(vault.url), token: fixedToken(new Secret(token), vault.url), logger, proxy: OFF });
    try {
      const err = await refusal(untrusted.listVaults(SUBSCRIPTION));
      assert.equal(err.code, 'TlsUntrustedCertificate');
    } finally {
      await untrusted.close();
    }
  });

  it('goes through the effective proxy: a real squid carries the calls, a proxy that is down is named', async function () {
    const why = squidUnavailableReason();
    if (why) {
      console.warn(`    skipping: ${why}`);
      return this.skip();
    }
    const squid = await startSquid();
    const viaProxy = (port: number) =>
      new ArmSession({
        endpoint: armEndpoint(vault.url),
        token: fixedToken(new Secret(token), vault.url),
        logger,
        proxy: parseProxySettings({ mode: 'settings', host: '127.0.0.1', port }),
        trust: [{ endpoint: endpointKey(vault.url), pem: vault.caCertPem }],
        retry: FAST_RETRY,
      });
    const through = viaProxy(squid.port);
    const dead = viaProxy(await freePort());
    try {
      assert.deepEqual((await through.listVaults(SUBSCRIPTION, 'rg-lab')).map((v) => v.vault), ['lab1']);
      const err = await refusal(dead.listVaults(SUBSCRIPTION));
      assert.equal(err.code, 'ProxyUnreachable');
    } finally {
      await through.close();
      await dead.close();
      await squid.stop();
    }
  });

  it('never logs the token', () => {
    assert.ok(logger.lines.length > 0);
    assert.ok(!logger.lines.some((l) => l.includes(token)));
    assert.ok(!vault.logs.some((l) => l.includes(token)));
  });
});

describe('Azure client layer against scripted Resource Manager answers', function () {
  this.timeout(30_000);
  const ca = createTestCa('Scripted ARM CA');
  const TOKEN = `scripted-${randomUUID()}`;
  let server: TestServer | undefined;
  let other: TestServer | undefined;
  const seen: Array<{ method: string; url: string; at: number; authorization?: string }> = [];
  const logger = captureLogger();

  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  async function serve(handler: Handler): Promise<ArmSession> {
    server = await startHttpsServer({
      ...ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }),
      handler: (req, res) => {
        seen.push({ method: req.method!, url: req.url!, at: Date.now(), authorization: req.headers.authorization });
        handler(req, res);
      },
    });
    return session(server.origin, ca.certPem, fixedToken(new Secret(TOKEN), server.origin), logger);
  }
  const json = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  const armRefusal = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) =>
    json(res, status, JSON.stringify({ error: { code, message: `scripted ${code}` } }), headers);
  const ref: VaultRef = { subscriptionId: '77777777-b0c6-47a2-b37c-d8e65a629c18', resourceGroup: 'HelloWorld', vault: 'swaggerExample' };
  const vaultGet = JSON.stringify({ id: `/subscriptions/${ref.subscriptionId}/resourceGroups/HelloWorld/providers/Microsoft.RecoveryServices/vaults/swaggerExample`, name: 'swaggerExample', location: 'westus', properties: {} });

  afterEach(async () => {
    seen.length = 0;
    await server?.close();
    await other?.close();
    server = other = undefined;
  });

  it("replays the REST API's GETVault and PUTVaultCred examples through the SDK into a file, at the pinned api-version", async () => {
    const getVaultExample = JSON.stringify((JSON.parse(readFileSync(path.join(__dirname, '../../../fixtures/azure-rest-api-specs/GETVault.json'), 'utf8')) as { responses: { 200: { body: unknown } } }).responses[200].body);
    const arm = await serve((req, res) => (req.method === 'PUT' ? json(res, 200, specCertificateResponseBody()) : json(res, 200, getVaultExample)));
    try {
      const issued = await arm.getFreshCredentials(ref);
      const credentials = parseCredentials(Buffer.from(issued.xml), issued.fileName);
      // From the vault's GET: its region and private-endpoint state.
      assert.equal(credentials.location, specVault().location);
      assert.match(issued.xml, new RegExp(`<PrivateEndpointStateForBackup>${specVault().privateEndpointStateForBackup}</PrivateEndpointStateForBackup>`));
      // The example's own (already rounded) digits, exactly as written.
      assert.equal(credentials.resourceId, /"resourceId":\s*(\d+)/.exec(specCertificateResponseBody())![1]);
      const put = seen.find((s) => s.method === 'PUT')!;
      assert.match(put.url, new RegExp(`/vaults/swaggerExample/certificates/swaggerExample${ref.subscriptionId}-\\d+-\\d+-\\d{4}-vaultcredentials\\?api-version=${RECOVERY_SERVICES_API_VERSION}$`));
      assert.ok(seen.every((s) => s.authorization === `Bearer ${TOKEN}`));
    } finally {
      await arm.close();
    }
  });

  it("replays the REST API's GetTenants and GetSubscriptions examples through the subscriptions client, following nextLink, at the pinned api-version", async () => {
    // Each example's nextLink is a placeholder ("http://nextlink"): it is pointed at an empty second page here, the one change.
    const example = (file: string, next: string) => {
      const body = (JSON.parse(readFileSync(path.join(__dirname, '../../../fixtures/azure-rest-api-specs', file), 'utf8')) as { responses: { 200: { body: { nextLink: string } } } }).responses[200].body;
      return JSON.stringify({ ...body, nextLink: next });
    };
    const arm = await serve((req, res) => {
      const url = new URL(req.url!, server!.origin);
      if (url.searchParams.has('page2')) return json(res, 200, '{"value":[]}');
      const next = `${server!.origin}${url.pathname}?api-version=${SUBSCRIPTIONS_API_VERSION}&page2=1`;
      return url.pathname === '/tenants' ? json(res, 200, example('GetTenants.json', next)) : json(res, 200, example('GetSubscriptions.json', next));
    });
    try {
      assert.deepEqual(await arm.listTenants(), [
        { tenantId: '83abe5cd-bcc3-441a-bd86-e6a75360cecc', displayName: 'Contoso Corp.', defaultDomain: 'auxteststagemanual.ccsctp.net' },
        { tenantId: 'a70a1586-9c4a-4373-b907-1d310660dbd1', displayName: 'Test_Test_aad50', defaultDomain: 'aad50.ccsctp.net' },
        { tenantId: 'daea2e9b-847b-4c93-850d-2aa6f2d7af33', displayName: 'TEST_TEST_RDV', defaultDomain: 'rdvmohoro.ccsctp.net' },
      ]);
      assert.deepEqual(await arm.listSubscriptions(), [
        { subscriptionId: '291bba3f-e0a5-47bc-a099-3bdcb2a50a05', displayName: 'Example Subscription', tenantId: '31c75423-32d6-4322-88b7-c478bdde4858', state: 'Enabled' },
        { subscriptionId: '72ac930a-f34e-42d8-b06d-dc2a9e12ed71', displayName: 'Example Subscription2', tenantId: '2a0ff0de-96b2-4859-bb7c-a430d07a3e0c', state: 'Enabled' },
      ]);
      // A directory picked keeps only its own subscriptions.
      assert.deepEqual((await arm.listSubscriptions('2A0FF0DE-96B2-4859-BB7C-A430D07A3E0C')).map((s) => s.displayName), ['Example Subscription2']);
      assert.deepEqual(
        seen.map((s) => s.url),
        [
          `/tenants?api-version=${SUBSCRIPTIONS_API_VERSION}`,
          `/tenants?api-version=${SUBSCRIPTIONS_API_VERSION}&page2=1`,
          ...[1, 2].flatMap(() => [`/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`, `/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}&page2=1`]),
        ],
      );
      assert.ok(seen.every((s) => s.authorization === `Bearer ${TOKEN}`));
    } finally {
      await arm.close();
    }
  });

  it('names the role a 403 needs (Backup Contributor for the certificate upload), and leaves no file behind', async () => {
    const arm = await serve((req, res) => (req.method === 'PUT' ? armRefusal(res, 403, 'AuthorizationFailed') : json(res, 200, vaultGet)));
    const out = await tempDir('arm-403-');
    try {
      const err = await refusal(arm.saveFreshCredentials(ref, out));
      assert.deepEqual(await fs.readdir(out), [], 'the reserved name is given back');
      assert.equal(err.code, 'AzureAccessDenied');
      assert.equal(err.params.role, 'Backup Contributor');
      assert.equal(err.params.armCode, 'AuthorizationFailed');
      assert.equal(err.params.action, 'askForAzureRole');
      assert.match(err.message, /Backup Contributor role on vault swaggerExample in resource group HelloWorld/);
    } finally {
      await arm.close();
      await fs.rm(out, { recursive: true, force: true });
    }
  });

  it('waits for the Retry-After of a 429 before trying again, and gives up with AzureThrottled when it persists', async () => {
    let calls = 0;
    const arm = await serve((_req, res) => (calls++ === 0 ? armRefusal(res, 429, 'TooManyRequests', { 'retry-after': '1' }) : json(res, 200, JSON.stringify({ value: [] }))));
    try {
      assert.deepEqual(await arm.listVaults(ref.subscriptionId), []);
      assert.equal(seen.length, 2);
      const waited = seen[1]!.at - seen[0]!.at;
      assert.ok(waited >= 950, `waited ${waited} ms`);
    } finally {
      await arm.close();
    }
    await server!.close();
    seen.length = 0;
    const always = await serve((_req, res) => armRefusal(res, 429, 'TooManyRequests', { 'retry-after': '0' }));
    try {
      const err = await refusal(always.listVaults(ref.subscriptionId));
      assert.equal(err.code, 'AzureThrottled');
      assert.equal(err.params.retryAfterMs, 0);
      assert.equal(err.params.action, 'waitAndRetry');
      assert.equal(seen.length, 1 + FAST_RETRY.retries);
    } finally {
      await always.close();
    }
  });

  it('refuses a security-PIN answer that holds no PIN, and maps a 403 on it to the role it needs', async () => {
    const arm = await serve((_req, res) => json(res, 200, JSON.stringify({ expiryTimeInUtcTicks: 639_000_000_000_000_000 })));
    try {
      const err = await refusal(arm.securityPin(ref));
      assert.equal(err.code, 'AzureRequestFailed');
      assert.match(err.message, /without a security PIN for vault swaggerExample/);
      assert.match(seen[0]!.url, /\/vaults\/swaggerExample\/backupSecurityPIN\?api-version=/);
    } finally {
      await arm.close();
    }
    await server!.close();
    const denied = await serve((_req, res) => armRefusal(res, 403, 'AuthorizationFailed'));
    try {
      const err = await refusal(denied.securityPin(ref));
      assert.equal(err.code, 'AzureAccessDenied');
      assert.equal(err.params.role, 'Backup Contributor');
    } finally {
      await denied.close();
    }
  });

  it('refuses an answer past 4 MiB, announced or streamed, with ResponseTooLarge naming the host', async () => {
    const big = JSON.stringify({ value: [], padding: 'x'.repeat(4 * 1024 * 1024) });
    for (const announced of [true, false]) {
      const arm = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...(announced ? { 'content-length': String(Buffer.byteLength(big)) } : {}) });
        res.end(big);
      });
      try {
        const err = await refusal(arm.listVaults(ref.subscriptionId));
        assert.equal(err.code, 'ResponseTooLarge', `announced=${announced}`);
        assert.equal(err.params.host, new URL(server!.origin).host);
        assert.equal(err.params.limitBytes, 4 * 1024 * 1024);
      } finally {
        await arm.close();
        await server!.close();
        server = undefined;
      }
    }
  });

  it('does not follow a nextLink to another host: the token never reaches it', async () => {
    const otherSeen: string[] = [];
    other = await startHttpsServer({ ...ca.issue({ commonName: '127.0.0.1', ips: ['127.0.0.1'] }), handler: (req, res) => (otherSeen.push(req.headers.authorization ?? ''), json(res, 200, '{"value":[]}')) });
    const arm = await serve((_req, res) => json(res, 200, JSON.stringify({ value: [], nextLink: `${other!.origin}/subscriptions/x/providers/Microsoft.RecoveryServices/vaults?api-version=${RECOVERY_SERVICES_API_VERSION}` })));
    try {
      const err = await refusal(arm.listVaults(ref.subscriptionId));
      assert.equal(err.code, 'AzureOffEndpointRequest');
      assert.deepEqual(otherSeen, []);
    } finally {
      await arm.close();
    }
    assert.ok(!logger.lines.some((l) => l.includes(TOKEN)));
  });
});

// Composing the backup credentials file from Azure's answers: the REST API's own examples
// replayed, then read back by the setup's own inspection and by openssl; the 64-bit resourceId,
// the AadAudience fallback and the refusals of a malformed answer. Assertions never print the
// file or openssl's output: both hold the private key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKUP_ELEMENTS, BACKUP_ROOT, DATACONTRACT_NS, XSI_NS } from '../../../../src/core/credentials/format';
import { inspectCredentialsFile } from '../../../../src/core/credentials/inspect';
import { isSetupError } from '../../../../src/core/errors';
import { makeVaultCertificate, type VaultCertificate } from '../../../../src/core/vault/azure/certificate';
import { MARS_AGENT_LINKS, composeAzureCredentials } from '../../../../src/core/vault/azure/credentialsFile';
import { chooseVault } from '../../../../src/core/vault/choose';
import { specCertificateResponse, specCertificateResponseBody, specVault } from './specExamples';

const vault = specVault();
/** The vault's real resourceId, which the spec's example keeps only inside aadAudience. */
const BIG_RESOURCE_ID = '8726350008099341699';

describe('Azure credentials file', function () {
  this.timeout(30_000);
  const now = new Date('2026-03-05T09:00:00Z');
  let certificate: VaultCertificate;
  let dir: string;

  before(async () => {
    certificate = await makeVaultCertificate(vault.name, vault.subscriptionId, now);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'azure-credentials-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const compose = (responseBody: string) => composeAzureCredentials({ vault, responseBody, certificate, now });
  const bodyWith = (properties: Record<string, unknown>) => JSON.stringify({ ...specCertificateResponse(), properties });

  describe("the REST API's examples, replayed", () => {
    const spec = specCertificateResponse().properties;

    it('writes the members in the serializer order, namespaces and indentation of the existing writer', () => {
      const { xml } = compose(specCertificateResponseBody());
      const lines = xml.split('\r\n');
      assert.equal(lines[0], '<?xml version="1.0" encoding="utf-8"?>');
      assert.equal(lines[1], `<${BACKUP_ROOT} xmlns="${DATACONTRACT_NS}" xmlns:i="${XSI_NS}">`);
      assert.deepEqual(lines.slice(2, -2).map((line) => /^ {2}<(\w+)/.exec(line)?.[1]), [...BACKUP_ELEMENTS]);
      assert.equal(lines.at(-2), `</${BACKUP_ROOT}>`);
      for (const member of [
        '<Version>2.0</Version>',
        '<ResourceType>Vaults</ResourceType>',
        '<ProviderNamespace>Microsoft.RecoveryServices</ProviderNamespace>',
        `<AadAudience>${String(spec.aadAudience)}</AadAudience>`,
        `<IdMgmtRestEndpoint>${String(spec.azureManagementEndpointAudience)}</IdMgmtRestEndpoint>`,
        '<PrivateEndpointStateForBackup>Enabled</PrivateEndpointStateForBackup>',
      ]) {
        assert.ok(xml.includes(member), member);
      }
    });

    it("reads back with the setup's own inspection as a backup file of the GET's vault", async () => {
      const { fileName, xml } = compose(specCertificateResponseBody());
      assert.equal(fileName, 'swaggerExample_Thu Mar 05 2026.VaultCredentials');
      const file = path.join(dir, fileName);
      await fs.writeFile(file, xml, { mode: 0o600 });
      const read = await inspectCredentialsFile(file, { now });
      assert.equal(read.vaultName, 'swaggerExample');
      assert.equal(read.subscriptionId, '77777777-b0c6-47a2-b37c-d8e65a629c18');
      assert.equal(read.resourceGroup, 'Default-RecoveryServices-ResourceGroup');
      assert.equal(read.location, 'westus');
      assert.equal(read.resourceId, '8726350008099341000', 'as the example writes it');
      assert.equal(read.tenantId, spec.aadTenantId);
      assert.equal(read.endpoint, spec.azureManagementEndpointAudience);
      assert.deepEqual(read.agentLinks, MARS_AGENT_LINKS.map((link) => ({ ...link })));
      const der = Buffer.from(certificate.certificate, 'base64');
      assert.equal(read.fingerprint256, createHash('sha256').update(der).digest('hex'), 'the certificate uploaded is the one in the file');
      assert.equal(read.notBefore.getTime(), certificate.notBefore.getTime());
      assert.equal(read.expiresAt.getTime(), certificate.notAfter.getTime());
      assert.equal(read.issuedAt.getTime(), now.getTime());
    });

    it('carries a PFX that openssl opens with an empty password, holding the certificate and its private key', async () => {
      const { xml } = compose(specCertificateResponseBody());
      const pfx = path.join(dir, 'management.pfx');
      await fs.writeFile(pfx, Buffer.from(/<ManagementCert>([^<]*)<\/ManagementCert>/.exec(xml)![1]!, 'base64'), { mode: 0o600 });
      const out = execFileSync('openssl', ['pkcs12', '-in', pfx, '-passin', 'pass:', '-nodes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.ok(out.includes('-----BEGIN PRIVATE KEY-----'), 'a private key');
      assert.ok(out.includes(`friendlyName: ${certificate.name}`), 'under the certificate name');
      const begin = out.indexOf('-----BEGIN CERTIFICATE-----');
      const end = out.indexOf('-----END CERTIFICATE-----');
      assert.ok(begin >= 0 && end > begin, 'a certificate');
      const certPem = out.slice(begin, end + '-----END CERTIFICATE-----'.length);
      assert.equal(new X509Certificate(certPem).raw.toString('base64'), certificate.certificate, 'the uploaded certificate');
      const x509 = execFileSync('openssl', ['x509', '-noout', '-subject', '-issuer', '-startdate', '-enddate', '-ext', 'extendedKeyUsage'], { input: certPem, encoding: 'utf8' });
      assert.match(x509, /^subject=CN = Windows Azure Tools$/m);
      assert.match(x509, /^issuer=CN = Windows Azure Tools$/m);
      assert.match(x509, /^notBefore=Mar {2}5 08:50:00 2026 GMT$/m);
      assert.match(x509, /^notAfter=Mar {2}7 09:00:00 2026 GMT$/m);
      assert.match(x509, /X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication\s*$/);
    });
  });

  it("is taken for Azure and the MARS agent when the answer names an Azure cloud's Backup endpoint", async () => {
    const body = bodyWith({ ...specCertificateResponse().properties, azureManagementEndpointAudience: 'https://pod01-id1.eus.backup.windowsazure.com/restapi/' });
    const { fileName, xml } = compose(body);
    const file = path.join(dir, `cloud-${fileName}`);
    await fs.writeFile(file, xml, { mode: 0o600 });
    assert.deepEqual(chooseVault(await inspectCredentialsFile(file, { now })), { backend: 'azure', agent: 'mars', cloud: 'AzureCloud' });
  });

  it('keeps a resourceId past 2^53 digit for digit', async () => {
    assert.notEqual(String(JSON.parse(BIG_RESOURCE_ID)), BIG_RESOURCE_ID, 'JSON.parse would round it');
    const body = specCertificateResponseBody().replace(/"resourceId": \d+/, `"resourceId": ${BIG_RESOURCE_ID}`);
    assert.ok(body.includes(BIG_RESOURCE_ID));
    const { fileName, xml } = compose(body);
    assert.ok(xml.includes(`<ResourceId>${BIG_RESOURCE_ID}</ResourceId>`));
    const file = path.join(dir, `big-${fileName}`);
    await fs.writeFile(file, xml, { mode: 0o600 });
    assert.equal((await inspectCredentialsFile(file, { now })).resourceId, BIG_RESOURCE_ID);
  });

  it('reads resourceId from the answer itself, not from the same words inside a string', () => {
    const body = specCertificateResponseBody()
      .replace(/"resourceId": \d+/, `"resourceId": ${BIG_RESOURCE_ID}`)
      .replace('"friendlyName": ""', '"friendlyName": "\\"resourceId\\": 1, 2e5"');
    assert.ok(compose(body).xml.includes(`<ResourceId>${BIG_RESOURCE_ID}</ResourceId>`));
  });

  it('falls back to https://RecoveryServiceVault/{location}/{vault}/{resourceId} when the answer has no aadAudience', () => {
    const { aadAudience, ...properties } = specCertificateResponse().properties;
    assert.ok(aadAudience);
    const body = bodyWith(properties).replace(/"resourceId":\d+/, `"resourceId":${BIG_RESOURCE_ID}`);
    const { xml } = compose(body);
    assert.ok(xml.includes(`<AadAudience>https://RecoveryServiceVault/westus/swaggerExample/${BIG_RESOURCE_ID}</AadAudience>`));
  });

  it('writes PrivateEndpointStateForBackup as nil when the vault has none', () => {
    const { xml } = composeAzureCredentials({ vault: { ...vault, privateEndpointStateForBackup: undefined }, responseBody: specCertificateResponseBody(), certificate, now });
    assert.ok(xml.includes('<PrivateEndpointStateForBackup i:nil="true" />'));
  });

  it('names the file {vault}_{ddd MMM dd yyyy}.VaultCredentials by the UTC date', () => {
    const late = new Date('2026-03-05T23:30:00Z');
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: Friday 6 March there
    try {
      assert.equal(composeAzureCredentials({ vault, responseBody: specCertificateResponseBody(), certificate, now: late }).fileName, 'swaggerExample_Thu Mar 05 2026.VaultCredentials');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  describe('a malformed answer', () => {
    const spec = () => specCertificateResponse().properties;
    const cases: Array<[name: string, body: () => string, code: string, params: Record<string, unknown>]> = [
      ['not JSON', () => '<html>Bad gateway</html>', 'AzureVaultCertificateResponseInvalid', { field: 'body', issue: 'notJson' }],
      ['no properties', () => JSON.stringify({ name: 'x' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties' }],
      ['a missing tenant', () => bodyWith({ ...spec(), aadTenantId: undefined }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.aadTenantId' }],
      ['an empty endpoint', () => bodyWith({ ...spec(), azureManagementEndpointAudience: '' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.azureManagementEndpointAudience' }],
      ['a plain-http endpoint', () => bodyWith({ ...spec(), azureManagementEndpointAudience: 'http://pod01-id1.eus.backup.windowsazure.com/restapi/' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.azureManagementEndpointAudience' }],
      ['a tenant that is no GUID', () => bodyWith({ ...spec(), aadTenantId: 'contoso' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.aadTenantId' }],
      // Found by npm run fuzz (target arm-client): these went into a file the credentials reader refused.
      ['an audience with a NUL', () => bodyWith({ ...spec(), aadAudience: 'https://x.example/\u0000' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.aadAudience', issue: 'notXmlText' }],
      ['an audience with a lone surrogate', () => bodyWith({ ...spec(), aadAudience: 'a\uD800' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.aadAudience', issue: 'notXmlText' }],
      ['a blank audience', () => bodyWith({ ...spec(), aadAudience: '\r\n' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.aadAudience' }],
      ['an audience of a BOM', () => bodyWith({ ...spec(), aadAudience: '\uFEFF' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.aadAudience' }],
      ['an endpoint with U+FFFF', () => bodyWith({ ...spec(), azureManagementEndpointAudience: 'https://x.example/\uFFFF' }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.azureManagementEndpointAudience', issue: 'notXmlText' }],
      ['an audience of a megabyte, which would make a file past the reader\'s 1 MiB', () => bodyWith({ ...spec(), aadAudience: `https://${'a'.repeat(1_100_000)}.example/` }), 'AzureVaultCertificateResponseInvalid', { field: 'body', issue: 'tooLarge' }],
      ['a missing resourceId', () => bodyWith({ ...spec(), resourceId: undefined }), 'AzureVaultCertificateResponseInvalid', { field: 'properties.resourceId' }],
      ['the retired ACS kind', () => bodyWith({ ...spec(), authType: 'AccessControlService' }), 'AzureVaultCertificateWrongAuthType', { authType: 'AccessControlService' }],
      ['a resourceId of letters', () => bodyWith({ ...spec(), resourceId: 'abc' }), 'AzureVaultResourceIdInvalid', { resourceId: 'abc' }],
      ['a fractional resourceId', () => bodyWith({ ...spec(), resourceId: 1.5 }), 'AzureVaultResourceIdInvalid', { resourceId: '1.5' }],
      ['a resourceId past 64 bits', () => specCertificateResponseBody().replace(/"resourceId": \d+/, '"resourceId": 99999999999999999999'), 'AzureVaultResourceIdInvalid', { resourceId: '99999999999999999999' }],
    ];
    for (const [name, body, code, params] of cases) {
      it(`refuses ${name} with ${code}, naming no secret`, () => {
        assert.throws(
          () => compose(body()),
          (err: unknown) => {
            assert.ok(isSetupError(err), String(err));
            assert.equal(err.code, code);
            for (const [key, value] of Object.entries(params)) assert.equal(err.params[key], value, key);
            assert.equal(err.params.action, 'reportProblem');
            const shown = `${err.message} ${JSON.stringify(err)}`;
            assert.ok(!shown.includes(certificate.managementCert.reveal().slice(0, 32)), 'no PFX in the error');
            return true;
          },
        );
      });
    }
  });
});

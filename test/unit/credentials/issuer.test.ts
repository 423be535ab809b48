import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BACKUP_ELEMENTS,
  BACKUP_ROOT,
  CLIENT_AUTH_OID,
  DATACONTRACT_NS,
  XSI_NS,
  certificateFriendlyName,
  credentialsFileName,
} from '../../../src/core/credentials/format';
import { parseCredentials } from '../../../src/core/credentials/parse';
import { issueCredentials, type IssuedCredentials } from '../../../src/vault/issuer';
import { TEST_AGENT_LINKS, TEST_ENDPOINT, TEST_VAULT, certOf } from '../../support/credentials-corpus';

describe('vault credentials issuer', function () {
  this.timeout(20_000);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  let issued: IssuedCredentials;

  before(async () => {
    issued = await issueCredentials({ vault: TEST_VAULT, endpoint: TEST_ENDPOINT, agentLinks: TEST_AGENT_LINKS, now });
  });

  it('writes an indented RSBackupVaultAADCreds document with a declaration, no BOM, members in serializer order', () => {
    const lines = issued.xml.split('\r\n');
    assert.equal(lines[0], '<?xml version="1.0" encoding="utf-8"?>');
    assert.equal(lines[1], `<${BACKUP_ROOT} xmlns="${DATACONTRACT_NS}" xmlns:i="${XSI_NS}">`);
    assert.equal(Buffer.from(issued.xml)[0], '<'.charCodeAt(0));
    const members = lines.slice(2, -2).map((line) => /^ {2}<(\w+)/.exec(line)?.[1]);
    assert.deepEqual(members, [...BACKUP_ELEMENTS]);
    assert.ok(issued.xml.includes('<PrivateEndpointStateForBackup i:nil="true" />'));
    assert.ok(issued.xml.includes('<Version>2.0</Version>'));
    assert.ok(issued.xml.includes(`<IdMgmtRestEndpoint>${TEST_ENDPOINT}</IdMgmtRestEndpoint>`));
    assert.ok(issued.xml.includes('<ProviderNamespace>Microsoft.RecoveryServices</ProviderNamespace>'));
  });

  it('names the file like the portal and dates the certificate from the issue time', () => {
    assert.equal(issued.fileName, credentialsFileName(TEST_VAULT.name, now));
    assert.equal(issued.notBefore.getTime(), now.getTime() - 10 * 60_000);
    assert.equal(issued.notAfter.getTime(), now.getTime() + 48 * 3_600_000);
  });

  it('escapes XML text, so any link survives the round trip', async () => {
    const links = [{ name: 'A&B <agent>', url: 'https://127.0.0.1:8443/get?os="win"&arch=x64' }];
    const odd = await issueCredentials({ vault: TEST_VAULT, endpoint: TEST_ENDPOINT, agentLinks: links, validHours: 1, now });
    assert.ok(odd.xml.includes('A&amp;B &lt;agent&gt;,https://127.0.0.1:8443/get?os=&quot;win&quot;&amp;arch=x64'));
    assert.deepEqual(parseCredentials(Buffer.from(odd.xml), odd.fileName, now).agentLinks, links);
    assert.equal(odd.notAfter.getTime(), now.getTime() + 3_600_000);
  });

  it('issues a self-signed RSA-2048 client certificate from Windows Azure Tools, with a fresh key and serial each time', async () => {
    const x509 = new X509Certificate(issued.certPem);
    assert.equal(x509.issuer, 'CN=Windows Azure Tools');
    assert.equal(x509.subject, 'CN=Windows Azure Tools');
    assert.deepEqual(x509.keyUsage, [CLIENT_AUTH_OID]);
    assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(x509.verify(x509.publicKey));
    assert.equal(issued.fingerprint256, x509.fingerprint256.replace(/:/g, '').toLowerCase());
    const again = await issueCredentials({ vault: TEST_VAULT, endpoint: TEST_ENDPOINT, agentLinks: TEST_AGENT_LINKS, now });
    assert.notEqual(again.fingerprint256, issued.fingerprint256);
    assert.notEqual(new X509Certificate(again.certPem).serialNumber, x509.serialNumber);
  });

  it('packs certificate and key in a PFX that openssl opens with an empty password, under the friendly name', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'issuer-'));
    try {
      const pfx = path.join(dir, 'cert.pfx');
      await fs.writeFile(pfx, Buffer.from(certOf(issued.xml), 'base64'));
      const out = execFileSync('openssl', ['pkcs12', '-in', pfx, '-nodes', '-passin', 'pass:'], { encoding: 'utf8' });
      assert.ok(out.includes(`friendlyName: ${certificateFriendlyName(TEST_VAULT.name, TEST_VAULT.subscriptionId, now)}`));
      assert.ok(out.includes('-----BEGIN PRIVATE KEY-----'));
      const cert = new X509Certificate(out.slice(out.indexOf('-----BEGIN CERTIFICATE-----')));
      assert.equal(cert.fingerprint256, new X509Certificate(issued.certPem).fingerprint256);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { inspect } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isSetupError } from '../../../src/core/errors';
import { parseCredentials } from '../../../src/core/credentials/parse';
import { issueCredentials, type IssuedCredentials } from '../../../src/vault/issuer';
import { TEST_AGENT_LINKS, TEST_ENDPOINT, TEST_VAULT, issueTestCredentials } from '../../support/credentials-corpus';

function rejectsWith(code: string, run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (err) {
    assert.ok(isSetupError(err), String(err));
    assert.equal(err.code, code, err.message);
    return err.params;
  }
  return assert.fail(`expected ${code}`);
}

describe('vault credentials: parsing', function () {
  this.timeout(20_000);
  // Whole seconds, as X.509 stores them, so the dates below compare exactly.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  let issued: IssuedCredentials;
  const parse = (xml: string | Buffer, fileName = issued.fileName, at = now) => parseCredentials(Buffer.from(xml), fileName, at);

  before(async () => {
    issued = await issueTestCredentials(now);
  });

  it('reads the identity, endpoint, links and dates of the vault', () => {
    const creds = parse(issued.xml);
    assert.deepEqual(
      {
        vaultName: creds.vaultName,
        subscriptionId: creds.subscriptionId,
        resourceGroup: creds.resourceGroup,
        location: creds.location,
        resourceId: creds.resourceId,
        tenantId: creds.tenantId,
      },
      {
        vaultName: TEST_VAULT.name,
        subscriptionId: TEST_VAULT.subscriptionId,
        resourceGroup: TEST_VAULT.resourceGroup,
        location: TEST_VAULT.location,
        resourceId: TEST_VAULT.resourceId,
        tenantId: TEST_VAULT.tenantId,
      },
    );
    assert.equal(creds.endpoint, TEST_ENDPOINT);
    assert.deepEqual(creds.agentLinks, TEST_AGENT_LINKS);
    assert.equal(creds.issuedAt.getTime(), now.getTime());
    assert.equal(creds.notBefore.getTime(), issued.notBefore.getTime());
    assert.equal(creds.expiresAt.getTime(), issued.notAfter.getTime());
    assert.equal(creds.timeLeftMs, 48 * 3_600_000);
  });

  it('takes the lifetime from the certificate, whatever it is', async () => {
    const tenDays = await issueCredentials({ vault: TEST_VAULT, endpoint: TEST_ENDPOINT, agentLinks: TEST_AGENT_LINKS, validHours: 240, now });
    assert.equal(parse(tenDays.xml).timeLeftMs, 240 * 3_600_000);
  });

  it('hands over a client certificate whose key matches, with the SHA-256 fingerprint TLS will show', () => {
    const { clientCertificate, fingerprint256 } = parse(issued.xml);
    const x509 = new X509Certificate(clientCertificate.certPem);
    assert.ok(x509.checkPrivateKey(createPrivateKey(clientCertificate.keyPem)));
    assert.equal(fingerprint256, x509.fingerprint256.replace(/:/g, '').toLowerCase());
    assert.equal(fingerprint256, issued.fingerprint256);
  });

  it('decodes a file once while credentials read from it live (a fleet), and lets the decoded key go with the last of them', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async () => {
      // A WeakRef's target stays alive until the job that read it ends.
      await new Promise((r) => setImmediate(r));
      gc();
      await new Promise((r) => setImmediate(r));
    };
    // A file of its own, so no other test holds its entry.
    const own = await issueTestCredentials(now);
    let held: ReturnType<typeof parse> | undefined = parse(own.xml, own.fileName);
    await collect();
    assert.equal(parse(own.xml, own.fileName).clientCertificate, held.clientCertificate, 'decoded once while the first credentials live');
    const weak = new WeakRef(held.clientCertificate);
    held = undefined;
    await collect();
    assert.equal(weak.deref(), undefined, 'no reader left: the decoded key is collectable');
  });

  it('keeps the private key out of JSON and of inspect output', () => {
    const creds = parse(issued.xml);
    const keyLine = creds.clientCertificate.keyPem.split(/\r?\n/)[1]!;
    for (const text of [JSON.stringify(creds), inspect(creds, { depth: 5, showHidden: true })]) {
      assert.ok(!text.includes('PRIVATE KEY'));
      assert.ok(!text.includes(keyLine));
      assert.ok(text.includes(creds.fingerprint256));
    }
  });

  it('accepts the extension in any case, and refuses any other', () => {
    assert.equal(parse(issued.xml, 'lab1.VAULTCREDENTIALS').vaultName, TEST_VAULT.name);
    rejectsWith('VaultCredentialBadExtension', () => parse(issued.xml, `${issued.fileName}.txt`));
  });

  it('accepts a UTF-8 byte order mark', () => {
    assert.equal(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(issued.xml)])).vaultName, TEST_VAULT.name);
  });

  it('refuses an in-memory buffer over 1 MiB', () => {
    const padded = Buffer.concat([Buffer.from(issued.xml), Buffer.alloc(1024 * 1024, 0x20)]);
    rejectsWith('VaultCredentialTooLarge', () => parse(padded));
  });

  it('refuses elements nested deeper than any credentials file, as they open (the fuzz run\'s 70,000 unclosed tags ran for minutes)', () => {
    // Refused at the 33rd tag, not after reading the rest (before, this ran past the test's time-out).
    const params = rejectsWith('VaultCredentialMalformedXml', () => parse(`<?xml version="1.0" encoding="utf-8"?>${'<Lo>'.repeat(70_000)}`));
    assert.equal(params.reason, 'depth');
    // The real file's depth is far from the limit.
    assert.equal(parse(issued.xml).vaultName, TEST_VAULT.name);
  });

  it('refuses a declared encoding that contradicts the bytes (encoding.test.ts has every encoding)', () => {
    rejectsWith('VaultCredentialEncodingMismatch', () => parse(issued.xml.replace('encoding="utf-8"', 'encoding="utf-16"')));
  });

  it('accepts a file without AadAudience, as older cmdlets wrote, and ignores unknown members', () => {
    const older = issued.xml.replace(/\s*<AadAudience>[^<]*<\/AadAudience>/, '');
    assert.equal(parse(older).vaultName, TEST_VAULT.name);
    const newer = issued.xml.replace('<PrivateEndpointStateForBackup', '<FutureMember>x</FutureMember><PrivateEndpointStateForBackup');
    assert.equal(parse(newer).vaultName, TEST_VAULT.name);
  });

  it('names the field that is out of order, duplicated, nil or malformed', () => {
    const swapped = issued.xml.replace(/(<ResourceGroup>[^<]*<\/ResourceGroup>)(\s*)(<Location>[^<]*<\/Location>)/, '$3$2$1');
    assert.equal(rejectsWith('VaultCredentialInvalidField', () => parse(swapped)).field, 'ResourceGroup');
    const twice = issued.xml.replace(/(<Location>[^<]*<\/Location>)/, '$1$1');
    assert.deepEqual(pick(rejectsWith('VaultCredentialInvalidField', () => parse(twice))), { field: 'Location', issue: 'duplicate' });
    const nil = issued.xml.replace(/<ResourceName>[^<]*<\/ResourceName>/, '<ResourceName i:nil="true" />');
    assert.equal(rejectsWith('VaultCredentialInvalidField', () => parse(nil)).field, 'ResourceName');
    const http = issued.xml.replace('<IdMgmtRestEndpoint>https:', '<IdMgmtRestEndpoint>http:');
    assert.equal(rejectsWith('VaultCredentialInvalidField', () => parse(http)).field, 'IdMgmtRestEndpoint');
    const huge = issued.xml.replace(/<ResourceId>[^<]*</, '<ResourceId>99999999999999999999<');
    assert.equal(rejectsWith('VaultCredentialInvalidField', () => parse(huge)).field, 'ResourceId');
  });

  it('draws the validity lines at NotBefore minus five minutes and at NotAfter', () => {
    const at = (ms: number) => new Date(ms);
    const notBefore = issued.notBefore.getTime();
    const notAfter = issued.notAfter.getTime();
    assert.ok(parse(issued.xml, issued.fileName, at(notBefore)));
    rejectsWith('VaultCredentialNotYetValid', () => parse(issued.xml, issued.fileName, at(notBefore - 5 * 60_000)));
    rejectsWith('VaultCredentialClockSkew', () => parse(issued.xml, issued.fileName, at(notBefore - 5 * 60_000 - 1)));
    assert.equal(parse(issued.xml, issued.fileName, at(notAfter - 1)).timeLeftMs, 1);
    rejectsWith('CBPUserExpiredVaultCredential', () => parse(issued.xml, issued.fileName, at(notAfter)));
  });
});

function pick(params: Record<string, unknown>): Record<string, unknown> {
  return { field: params.field, issue: params.issue };
}

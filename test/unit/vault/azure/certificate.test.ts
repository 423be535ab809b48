// The certificate made for Azure's upload: what Azure gets (public DER in the PUT body) and how it
// is named, including for a date whose UTC day is not this machine's.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { CLIENT_AUTH_OID } from '../../../../src/core/credentials/format';
import { makeVaultCertificate, type VaultCertificate } from '../../../../src/core/vault/azure/certificate';

const SUBSCRIPTION = '77777777-b0c6-47a2-b37c-d8e65a629c18';

describe('Azure vault certificate', function () {
  this.timeout(20_000);
  // 23:30 UTC on Thursday 5 March: already 6 March east of UTC+1/2.
  const now = new Date('2026-03-05T23:30:00Z');
  let made: VaultCertificate;

  before(async () => {
    made = await makeVaultCertificate('swaggerExample', SUBSCRIPTION, now);
  });

  it('puts only the public DER in the PUT body, as the cmdlet does', () => {
    const body = JSON.parse(made.requestBody) as unknown;
    assert.deepEqual(body, { properties: { authType: 'AAD', certificate: made.certificate } });
    const der = Buffer.from(made.certificate, 'base64');
    assert.equal(der.toString('base64'), made.certificate, 'plain base64 of DER');
    assert.equal(der[0], 0x30, 'a DER SEQUENCE, not PEM text');
    assert.ok(!made.requestBody.includes('PRIVATE'));
  });

  it('is a self-signed RSA-2048 certificate of Windows Azure Tools for client authentication, from now - 10 min to now + 48 h', () => {
    const x509 = new X509Certificate(Buffer.from(made.certificate, 'base64'));
    assert.equal(x509.subject, 'CN=Windows Azure Tools');
    assert.equal(x509.issuer, 'CN=Windows Azure Tools');
    assert.deepEqual(x509.keyUsage, [CLIENT_AUTH_OID]);
    assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(x509.verify(x509.publicKey));
    assert.equal(new Date(x509.validFrom).getTime(), now.getTime() - 10 * 60_000);
    assert.equal(new Date(x509.validTo).getTime(), now.getTime() + 48 * 3_600_000);
    assert.equal(made.notBefore.getTime(), new Date(x509.validFrom).getTime());
    assert.equal(made.notAfter.getTime(), new Date(x509.validTo).getTime());
  });

  it('is named {vault}{subscription}-{M-d-yyyy}-vaultcredentials by the UTC date, whatever the time zone', async () => {
    assert.equal(made.name, `swaggerExample${SUBSCRIPTION}-3-5-2026-vaultcredentials`);
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: 6 March there
    try {
      assert.equal(new Date(now).getDate(), 6, 'the zone took effect');
      const again = await makeVaultCertificate('swaggerExample', SUBSCRIPTION, now);
      assert.equal(again.name, made.name);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('keeps the PFX out of JSON and inspection', () => {
    const pfx = made.managementCert.reveal();
    assert.ok(pfx.length > 1000);
    assert.ok(!JSON.stringify(made).includes(pfx.slice(0, 64)));
    assert.ok(!inspect(made, { depth: 5 }).includes(pfx.slice(0, 64)));
  });
});

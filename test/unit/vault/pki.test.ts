import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { batchedLogger } from '../../../src/vault/log';
import { CertificateAuthority } from '../../../src/vault/pki';
import { createVaultWithCredentials, registerMachine, startTestVault, tempDir, vaultClient } from '../../support/vault';

describe('vault PKI (DER-built certificates)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives a new data folder an ECDSA P-256 CA whose machine certificates verify and say what they are for', async () => {
    const vault = await startTestVault({ dataDir: dir });
    try {
      const ca = new X509Certificate(vault.caCertPem);
      assert.equal(ca.publicKey.asymmetricKeyType, 'ec');
      assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.ok(ca.ca && ca.verify(ca.publicKey), 'a self-signed CA');
      assert.equal((await fs.readFile(path.join(dir, 'server.key.pem'), 'utf8')).includes('PRIVATE KEY'), true);
      assert.equal(new X509Certificate(await fs.readFile(path.join(dir, 'server.cert.pem'))).publicKey.asymmetricKeyType, 'rsa', 'the TLS key stays RSA');

      const { client } = await createVaultWithCredentials(vault);
      const machine = await registerMachine(vaultClient(vault, client));
      const cert = new X509Certificate(machine.response.json.machineCertificate);
      assert.equal(cert.subject, `CN=${machine.machineId}`);
      assert.equal(cert.issuer, ca.subject);
      assert.ok(cert.verify(ca.publicKey));
      assert.ok(!cert.ca);
      assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'client authentication only');
      const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: machine.response.json.machineCertificate }).toString();
      assert.match(text, /Key Usage: critical\s+Digital Signature, Key Encipherment/);
      assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
      const backdate = Date.now() - Date.parse(cert.validFrom);
      assert.ok(backdate > 9 * 60_000 && backdate < 12 * 60_000, `back-dated by ${backdate} ms`);
    } finally {
      await vault.close();
    }
  });

  it('keeps an older data folder’s RSA CA and issues with it', async () => {
    // What an earlier version created: an RSA-2048 CA, here made by openssl.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Local Backup Vault CA 0ld/O=Backup Agent Setup',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', path.join(dir, 'ca.key.pem'), '-out', path.join(dir, 'ca.cert.pem'),
    ], { stdio: 'ignore' });
    await fs.chmod(dir, 0o700);
    await fs.chmod(path.join(dir, 'ca.key.pem'), 0o600);
    const before = await fs.readFile(path.join(dir, 'ca.cert.pem'), 'utf8');
    const vault = await startTestVault({ dataDir: dir });
    try {
      assert.equal(vault.caCertPem, before);
      const { client } = await createVaultWithCredentials(vault);
      const machine = await registerMachine(vaultClient(vault, client));
      const cert = new X509Certificate(machine.response.json.machineCertificate);
      assert.ok(cert.verify(new X509Certificate(before).publicKey));
      const again = await vaultClient(vault, machine.client).request('GET', `/v1/registrations/${machine.registrationId}`);
      assert.equal(again.status, 200, 'the machine certificate authenticates');
    } finally {
      await vault.close();
    }
  });

  it('refuses a CA key of a kind it cannot sign with', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '30', '-subj', '/CN=Ed CA', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-keyout', path.join(dir, 'ca.key.pem'), '-out', path.join(dir, 'ca.cert.pem')], { stdio: 'ignore' });
    const pair = { keyPem: await fs.readFile(path.join(dir, 'ca.key.pem'), 'utf8'), certPem: await fs.readFile(path.join(dir, 'ca.cert.pem'), 'utf8') };
    await assert.rejects(new CertificateAuthority(pair).issueServerCertificate(new Date()), /ed25519 CA key cannot sign/);
  });
});

describe('vault request log (batched)', () => {
  it('writes the lines of one event-loop turn together, and an error after the lines before it', async () => {
    const writes: string[] = [];
    const logger = batchedLogger((text) => writes.push(text), (text) => writes.push(`ERR ${text}`));
    logger.info('a');
    logger.info('b');
    assert.deepEqual(writes, [], 'nothing written yet');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(writes, ['a\nb\n']);
    logger.info('c');
    logger.error('d');
    logger.info('e');
    logger.flush();
    assert.deepEqual(writes, ['a\nb\n', 'c\n', 'ERR d\n', 'e\n']);
  });
});

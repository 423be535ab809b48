// Trust per vault endpoint: the key a CA is stored under, which sources apply to an endpoint
// (and which never do), an untrusted certificate named as openssl names it, and the check that a
// CA file verifies what a real vault presents, directly and through a real squid.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError, SetupError } from '../../../src/core/errors';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { actionOf } from '../../../src/core/registration/errors';
import { endpointKey, normaliseEndpointKey, trustedCasFor, trustFromFileMap } from '../../../src/core/trust/endpoint';
import { presentedChain } from '../../../src/core/trust/presented';
import { serviceFor, startServiceVault, tempDir } from '../../support/service';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { createTestCa } from '../../support/tls';
import type { TestVault } from '../../support/vault';

async function refusal(promise: Promise<unknown>, code: ErrorCode): Promise<SetupError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(isSetupError(err, code), `expected ${code}, got ${String(err)}`);
  return err;
}

/** What `openssl x509 -fingerprint -sha256` prints for a PEM file, and its issuer. */
function openssl(certFile: string): { fingerprint: string; issuer: string } {
  const run = spawnSync('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256', '-issuer', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return { fingerprint: /Fingerprint=([0-9A-F:]+)/.exec(run.stdout)![1]!, issuer: /issuer=(.+)/.exec(run.stdout)![1]!.trim() };
}

describe('Trust per vault endpoint', function () {
  this.timeout(60_000);

  describe('the endpoint key', () => {
    it('is host:port, lower case, IPv6 in brackets, the default port filled in', () => {
      assert.equal(endpointKey('https://Vault.Example.com/api/'), 'vault.example.com:443');
      assert.equal(endpointKey('https://127.0.0.1:8443'), '127.0.0.1:8443');
      assert.equal(endpointKey('https://[::1]:8443/x'), '[::1]:8443');
    });

    it('reads a typed key in the same form, and refuses what is not host:port', () => {
      assert.equal(normaliseEndpointKey(' VAULT.example.com:443 '), 'vault.example.com:443');
      assert.equal(normaliseEndpointKey('[::1]:8443'), '[::1]:8443');
      for (const bad of ['vault.example.com', 'https://vault:443', 'vault:0', 'vault:70000', 'a b:1', '']) assert.equal(normaliseEndpointKey(bad), undefined, bad);
    });
  });

  describe('which CAs apply', () => {
    let dir: string;
    before(async () => {
      dir = await tempDir('trust-');
    });
    after(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it("applies a source to its own host:port only; any other endpoint keeps the system's store", async () => {
      const a = createTestCa('CA of A').certPem;
      const b = createTestCa('CA of B').certPem;
      const file = path.join(dir, 'b.pem');
      await fs.writeFile(file, b);
      const trusted = [{ endpoint: '127.0.0.1:8443', pem: a }, ...trustFromFileMap({ 'Vault.example.com:443': file, 'ignored:1': 42 })];
      assert.deepEqual(await trustedCasFor(trusted, 'https://127.0.0.1:8443/'), [a]);
      assert.deepEqual(await trustedCasFor(trusted, 'https://vault.example.com'), [b]);
      for (const other of ['https://127.0.0.1:8444', 'https://localhost:8443', 'https://downloads.example.com', 'https://ignored:1']) {
        assert.equal(await trustedCasFor(trusted, other), undefined, other);
      }
    });

    it('refuses a CA file that cannot be read, is relative, or holds no certificate, naming the endpoint', async () => {
      const key = '127.0.0.1:8443';
      const url = `https://${key}`;
      const missing = await refusal(trustedCasFor([{ endpoint: key, file: path.join(dir, 'missing.pem') }], url), 'TrustedCertificateUnreadable');
      assert.equal(missing.params.reason, 'ENOENT');
      assert.equal(missing.params.endpoint, key);
      const relative = await refusal(trustedCasFor([{ endpoint: key, file: 'ca.pem' }], url), 'TrustedCertificateUnreadable');
      assert.equal(relative.params.reason, 'not an absolute path');
      const notPem = path.join(dir, 'not.pem');
      await fs.writeFile(notPem, '-----BEGIN CERTIFICATE-----\nnot base64 of a certificate\n-----END CERTIFICATE-----\n');
      await refusal(trustedCasFor([{ endpoint: key, file: notPem }], url), 'TrustedCertificateNotPem');
    });
  });

  describe('against a real vault', () => {
    let vault: TestVault;
    let root: string;
    let caFile: string;
    let wrongCaFile: string;
    const direct = parseProxySettings({ mode: 'off' });

    before(async () => {
      root = await tempDir('trust-vault-');
      vault = await startServiceVault();
      caFile = path.join(root, 'vault-ca.pem');
      await fs.writeFile(caFile, vault.caCertPem);
      wrongCaFile = path.join(root, 'other-ca.pem');
      await fs.writeFile(wrongCaFile, createTestCa('Some Other CA').certPem);
    });
    after(async () => {
      await vault?.close();
      await fs.rm(root, { recursive: true, force: true });
    });

    it("names the untrusted certificate's issuer and SHA-256 as openssl does, and offers to trust the vault's certificate", async () => {
      const { service } = serviceFor(root, undefined);
      const check = await service.checkConnectivity({ endpoint: vault.url, proxy: direct });
      const problem = check.problem!;
      assert.equal(problem.code, 'TlsUntrustedCertificate');
      assert.equal(problem.params.action, 'trustVaultCertificate');
      // The local vault sends its server certificate alone: that is the top of the chain.
      const expected = openssl(path.join(vault.dataDir, 'server.cert.pem'));
      assert.equal(problem.params.fingerprint, expected.fingerprint);
      assert.equal(problem.params.issuer, expected.issuer.split(',').reverse().join(', '));
      assert.match(problem.message, new RegExp(`issued by ${problem.params.issuer}, SHA-256 fingerprint ${problem.params.fingerprint}`));
    });

    it('trusts a CA for the endpoint it was given for and for no other name of the same vault', async () => {
      const { service } = serviceFor(root, vault);
      assert.equal((await service.checkConnectivity({ endpoint: vault.url, proxy: direct })).ok, true);
      const sameVaultOtherName = vault.url.replace('127.0.0.1', 'localhost');
      const other = await service.checkConnectivity({ endpoint: sameVaultOtherName, proxy: direct });
      assert.equal(other.problem?.code, 'TlsUntrustedCertificate', 'localhost:port is another endpoint: the system store applies');
    });

    it('verifies a CA file against the chain the endpoint presents, and refuses one that does not verify it', async () => {
      const { service } = serviceFor(root, undefined);
      assert.deepEqual(await service.verifyTrustedCertificate({ endpoint: vault.url, proxy: direct }, caFile), { endpoint: endpointKey(vault.url), file: caFile });
      const wrong = await refusal(service.verifyTrustedCertificate({ endpoint: vault.url, proxy: direct }, wrongCaFile), 'TrustedCertificateDoesNotVerify');
      const presented = (await presentedChain(vault.url)).at(-1)!;
      assert.equal(wrong.params.fingerprint, presented.fingerprint256);
      assert.equal(wrong.params.file, wrongCaFile);
      assert.equal(actionOf(wrong), 'trustVaultCertificate', 'another CA file is the way forward');
    });

    describe('through a real squid', () => {
      let squid: Squid | undefined;
      before(async function () {
        const reason = squidUnavailableReason();
        if (reason) {
          console.warn(`    skipping the squid trust checks: ${reason}`);
          return this.skip();
        }
        squid = await startSquid();
      });
      after(async () => {
        await squid?.stop();
      });

      it('reads and verifies the chain through the CONNECT tunnel', async () => {
        const { service } = serviceFor(root, undefined);
        const proxy = parseProxySettings({ mode: 'settings', host: '127.0.0.1', port: squid!.port });
        const presented = await service.presentedCertificate({ endpoint: vault.url, proxy });
        assert.equal(presented.certificate.fingerprint256, (await presentedChain(vault.url)).at(-1)!.fingerprint256);
        assert.equal(presented.endpoint, endpointKey(vault.url));
        await service.verifyTrustedCertificate({ endpoint: vault.url, proxy }, caFile);
        await refusal(service.verifyTrustedCertificate({ endpoint: vault.url, proxy }, wrongCaFile), 'TrustedCertificateDoesNotVerify');
      });
    });
  });
});

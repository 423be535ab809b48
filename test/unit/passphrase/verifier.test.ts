import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSetupError } from '../../../src/core/errors';
import { readPassphraseFile, savePassphraseFile } from '../../../src/core/passphrase/file';
import { generatePassphrase } from '../../../src/core/passphrase/generate';
import { createPassphraseVerifier, verifyPassphrase, type PassphraseVerifier } from '../../../src/core/passphrase/verifier';

describe('passphrase verifier', function () {
  this.timeout(20_000);
  const passphrase = generatePassphrase();
  let verifier: PassphraseVerifier;

  before(async () => {
    verifier = await createPassphraseVerifier(passphrase);
  });

  it('is plain JSON: scrypt parameters, salt and hash, without the passphrase', () => {
    const json = JSON.stringify(verifier);
    assert.deepEqual(Object.keys(JSON.parse(json)).sort(), ['N', 'algorithm', 'hash', 'p', 'r', 'salt']);
    assert.equal(verifier.algorithm, 'scrypt');
    assert.equal(Buffer.from(verifier.salt, 'base64').length, 16);
    assert.ok(!json.includes(passphrase));
  });

  it('accepts the passphrase after a JSON round trip, and rejects any other', async () => {
    const stored = JSON.parse(JSON.stringify(verifier)) as PassphraseVerifier;
    assert.equal(await verifyPassphrase(stored, passphrase), true);
    assert.equal(await verifyPassphrase(stored, `${passphrase} `), false);
    assert.equal(await verifyPassphrase(stored, generatePassphrase()), false);
  });

  it('salts each verifier, so equal passphrases do not give equal hashes', async () => {
    const again = await createPassphraseVerifier(passphrase);
    assert.notEqual(again.salt, verifier.salt);
    assert.notEqual(again.hash, verifier.hash);
  });

  it('refuses a tampered verifier rather than run with absurd costs', async () => {
    for (const tampered of [{ ...verifier, N: 2 ** 30 }, { ...verifier, N: 1000 }, { ...verifier, salt: '' }, { ...verifier, algorithm: 'md5' }]) {
      await assert.rejects(verifyPassphrase(tampered as PassphraseVerifier, passphrase), (err: unknown) => isSetupError(err, 'PassphraseVerifierInvalid'));
    }
  });

  it('checks a saved passphrase file against the verifier', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'passphrase-verify-'));
    try {
      const { file } = await savePassphraseFile({ file: path.join(dir, 'p.txt'), passphrase, vaultName: 'lab1', serverName: 'SRV01' });
      assert.equal(await verifyPassphrase(verifier, (await readPassphraseFile(file)).passphrase), true);
      const { file: other } = await savePassphraseFile({ file: path.join(dir, 'other.txt'), passphrase: generatePassphrase(), vaultName: 'lab1', serverName: 'SRV01' });
      assert.equal(await verifyPassphrase(verifier, (await readPassphraseFile(other)).passphrase), false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

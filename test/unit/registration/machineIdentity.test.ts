import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { inspect } from 'node:util';
import forge from 'node-forge';
import { agentLayout, type AgentLayout } from '../../../src/core/config/layout';
import { silentLogger } from '../../../src/core/log';
import { createMachineCsr } from '../../../src/core/registration/csr';
import { ensureMachineIdentity, MACHINE_KEY_BITS } from '../../../src/core/registration/machineIdentity';
import { LocalTarget } from '../../../src/core/target/local';
import { verifyCsr } from '../../../src/vault/csr';
import { tempDir } from '../../support/vault';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('machine identity', () => {
  const target = new LocalTarget();
  let dir: string;
  let layout: AgentLayout;

  beforeEach(async () => {
    dir = await tempDir('machine-identity-');
    layout = agentLayout(target, dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('creates the id and a 0600 RSA-2048 key once, then reuses both', async () => {
    const first = await ensureMachineIdentity(target, layout, silentLogger);
    assert.match(first.machineId, UUID);
    assert.deepEqual(first.created, { machineId: true, key: true });
    assert.equal((await fs.readFile(layout.machineIdFile, 'utf8')).trim(), first.machineId);
    assert.equal((await fs.stat(layout.machineKeyFile)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(layout.configDir)).mode & 0o777, 0o700);
    const key = createPrivateKey(await fs.readFile(layout.machineKeyFile));
    assert.equal(key.asymmetricKeyDetails?.modulusLength, MACHINE_KEY_BITS);

    const second = await ensureMachineIdentity(target, layout, silentLogger);
    assert.equal(second.machineId, first.machineId);
    assert.deepEqual(second.created, { machineId: false, key: false });
    assert.equal(second.key.privateKeyPem, first.key.privateKeyPem);
  });

  it("restores a lost id file from the configuration's id rather than minting a new identity", async () => {
    const known = '0b8f5a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
    const restored = await ensureMachineIdentity(target, layout, silentLogger, known);
    assert.equal(restored.machineId, known);
    assert.equal(restored.created.machineId, false);
    await fs.writeFile(layout.machineIdFile, 'not a uuid\n');
    assert.equal((await ensureMachineIdentity(target, layout, silentLogger, known)).machineId, known);
    await fs.writeFile(layout.machineIdFile, 'not a uuid\n');
    assert.match((await ensureMachineIdentity(target, layout, silentLogger)).machineId, UUID);
  });

  it('tightens a readable key to 0600 without changing it, and replaces a key it cannot use', async () => {
    const first = await ensureMachineIdentity(target, layout, silentLogger);
    await fs.chmod(layout.machineKeyFile, 0o644);
    const again = await ensureMachineIdentity(target, layout, silentLogger);
    assert.equal(again.key.privateKeyPem, first.key.privateKeyPem);
    assert.equal((await fs.stat(layout.machineKeyFile)).mode & 0o777, 0o600);

    const weak = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    await fs.writeFile(layout.machineKeyFile, weak.privateKey, { mode: 0o600 });
    const replaced = await ensureMachineIdentity(target, layout, silentLogger);
    assert.equal(replaced.created.key, true);
    assert.equal(replaced.machineId, first.machineId, 'a new key does not make a new machine');
    await fs.writeFile(layout.machineKeyFile, 'garbage', { mode: 0o600 });
    assert.equal((await ensureMachineIdentity(target, layout, silentLogger)).created.key, true);
  });

  it('makes a CSR the vault accepts, with CN = the machine id', async () => {
    const { machineId, key } = await ensureMachineIdentity(target, layout, silentLogger);
    const pem = createMachineCsr(key, machineId);
    const spki = verifyCsr(pem);
    assert.equal(createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }), key.publicKeyPem);
    const csr = forge.pki.certificationRequestFromPem(pem);
    assert.equal(csr.subject.getField('CN').value, machineId);
    assert.equal(csr.verify(), true);
    // OpenSSL reads it the same way: its own parser, its own check of the signature.
    const openssl = spawnSync('openssl', ['req', '-verify', '-noout', '-subject', '-nameopt', 'sep_multiline'], { input: pem, encoding: 'utf8' });
    assert.equal(openssl.status, 0, openssl.stderr);
    assert.match(openssl.stdout, new RegExp(`^ +CN=${machineId}$`, 'm'));
  });

  it('keeps the private key out of JSON and inspect output', async () => {
    const { key } = await ensureMachineIdentity(target, layout, silentLogger);
    const body = key.privateKeyPem.split('\n')[1]!;
    assert.ok(!JSON.stringify({ key }).includes(body));
    assert.ok(!inspect({ key }, { depth: 5 }).includes(body));
  });
});

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import tls from 'node:tls';
import { createTestCa } from '../../support/tls';
import {
  createCsr,
  createVaultWithCredentials,
  credentialsPfx,
  issueTestCredentials,
  machineKey,
  registerMachine,
  registrationBody,
  startTestVault,
  vaultClient,
  type TestVault,
  type VaultClient,
} from '../../support/vault';

describe('vault registration API (mTLS)', () => {
  let vault: TestVault;
  const clients: VaultClient[] = [];
  const client = (identity?: Parameters<typeof vaultClient>[1]) => {
    const c = vaultClient(vault, identity);
    clients.push(c);
    return c;
  };

  before(async () => {
    vault = await startTestVault();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await vault.close();
    assert.ok(!vault.logs.some((l) => l.includes('BEGIN')), 'the request log must never carry a PEM');
  });

  it('answers /v1/health without a client certificate', async () => {
    const res = await client().request('GET', '/v1/health');
    assert.equal(res.status, 200);
    assert.equal(res.json.status, 'ok');
    assert.equal(res.json.service, 'local-backup-vault');
    assert.ok(!Number.isNaN(Date.parse(res.json.time)));
  });

  it('registers a machine with the credentials certificate and returns a CA-signed machine certificate', async () => {
    const creds = await createVaultWithCredentials(vault);
    const machineId = randomUUID();
    const { response, registrationId } = await registerMachine(client(creds.client), { machineId, serverName: 'srv-1' });
    assert.equal(response.status, 201);
    assert.match(registrationId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(response.json.vault, {
      name: creds.identity.name,
      subscriptionId: creds.identity.subscriptionId,
      resourceGroup: creds.identity.resourceGroup,
      location: creds.identity.location,
      resourceId: creds.identity.resourceId,
    });
    assert.equal(response.json.caCertificate, vault.caCertPem);
    const cert = new X509Certificate(response.json.machineCertificate);
    const ca = new X509Certificate(vault.caCertPem);
    assert.ok(cert.verify(ca.publicKey), 'signed by the vault CA');
    assert.equal(cert.subject, `CN=${machineId}`);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.checkPrivateKey(createPrivateKey((await machineKey()).privateKeyPem)));
    assert.ok(!Number.isNaN(Date.parse(response.json.registeredAt)));
  });

  it('re-registration is idempotent per machine id: same id, new certificate, the old one refused', async () => {
    const creds = await createVaultWithCredentials(vault);
    const first = await registerMachine(client(creds.client));
    const second = await registerMachine(client(creds.client), { machineId: first.machineId, serverName: 'renamed' });
    assert.equal(second.response.status, 200);
    assert.equal(second.registrationId, first.registrationId);
    assert.equal(second.response.json.registeredAt, first.response.json.registeredAt, 'still the same registration');
    assert.notEqual(second.response.json.machineCertificate, first.response.json.machineCertificate);

    const stale = await client(first.client).request('GET', `/v1/registrations/${first.registrationId}`);
    assert.equal(stale.status, 401);
    assert.equal(stale.json.error.code, 'MachineCertificateSuperseded');
    const current = await client(second.client).request('GET', `/v1/registrations/${first.registrationId}`);
    assert.equal(current.status, 200);
    assert.equal(current.json.serverName, 'renamed');
    assert.equal((await vault.admin.listRegistrations(creds.identity.name)).length, 1);
  });

  it('GET shows the registration, DELETE unregisters it (idempotently); registering again is a new registration date under the same id', async () => {
    const creds = await createVaultWithCredentials(vault);
    const machine = await registerMachine(client(creds.client));
    const machineClient = client(machine.client);
    const got = await machineClient.request('GET', `/v1/registrations/${machine.registrationId}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.status, 'registered');
    assert.equal(got.json.lastPassphraseChangeAt, null);
    assert.equal(got.json.vault, creds.identity.name);

    const deleted = await machineClient.request('DELETE', `/v1/registrations/${machine.registrationId}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.json.status, 'unregistered');
    const again = await machineClient.request('DELETE', `/v1/registrations/${machine.registrationId}`);
    assert.equal(again.json.status, 'unregistered');
    const after = await machineClient.request('GET', `/v1/registrations/${machine.registrationId}`);
    assert.equal(after.json.status, 'unregistered');

    // Registered again afterwards: the same id (the vault keys it by machine), a new registration date.
    vault.clock.advance(60_000);
    try {
      const again = await registerMachine(client(creds.client), { machineId: machine.machineId });
      assert.equal(again.registrationId, machine.registrationId);
      assert.ok(Date.parse(again.response.json.registeredAt) > Date.parse(machine.response.json.registeredAt), `${again.response.json.registeredAt} after ${machine.response.json.registeredAt}`);
    } finally {
      vault.clock.advance(-60_000);
    }
  });

  it('shows a registration the admin revoked as revoked', async () => {
    const creds = await createVaultWithCredentials(vault);
    const machine = await registerMachine(client(creds.client));
    const view = await vault.admin.revokeRegistration(machine.registrationId);
    assert.equal(view.status, 'revoked');
    const got = await client(machine.client).request('GET', `/v1/registrations/${machine.registrationId}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.status, 'revoked');
  });

  it('refuses a call without a client certificate', async () => {
    const res = await client().request('POST', '/v1/registrations', { json: await registrationBody() });
    assert.equal(res.status, 401);
    assert.equal(res.json.error.code, 'ClientCertificateRequired');
    const get = await client().request('GET', `/v1/registrations/${randomUUID()}`);
    assert.equal(get.json.error.code, 'ClientCertificateRequired');
  });

  it('refuses TLS 1.2 renegotiation, so a connection keeps the client certificate its routes read once', async () => {
    const creds = await createVaultWithCredentials(vault);
    const { hostname, port } = new URL(vault.url);
    const socket = tls.connect({ host: hostname, port: Number(port), ca: vault.caCertPem, pfx: credentialsPfx(creds.file.xml), passphrase: '', maxVersion: 'TLSv1.2' });
    try {
      await once(socket, 'secureConnect');
      assert.equal(socket.getProtocol(), 'TLSv1.2');
      const renegotiated = await new Promise<Error | null>((resolve) => {
        socket.once('error', resolve);
        if (!socket.renegotiate({ rejectUnauthorized: false }, (err) => resolve(err ?? null))) resolve(new Error('renegotiate() refused locally'));
      });
      assert.ok(renegotiated instanceof Error, 'the vault must refuse a renegotiation');
    } finally {
      socket.destroy();
    }
  });

  it('accepts only the latest credentials file of a vault (34513 for a superseded one)', async () => {
    const creds = await createVaultWithCredentials(vault);
    const newer = await issueTestCredentials(vault, creds.identity.name);
    const res = await client(creds.client).request('POST', '/v1/registrations', { json: await registrationBody() });
    assert.equal(res.status, 401);
    assert.equal(res.json.error.code, '34513');
    const ok = await registerMachine(client(newer.client));
    assert.equal(ok.response.status, 201);
  });

  it('refuses expired credentials with CBPUserExpiredVaultCredential', async () => {
    const creds = await createVaultWithCredentials(vault, undefined, 1);
    vault.clock.advance(61 * 60_000);
    try {
      const res = await client(creds.client).request('POST', '/v1/registrations', { json: await registrationBody() });
      assert.equal(res.status, 401);
      assert.equal(res.json.error.code, 'CBPUserExpiredVaultCredential');
    } finally {
      vault.clock.advance(-61 * 60_000);
    }
  });

  it('refuses credentials that are not valid yet (machine clock behind) with their own code', async () => {
    const creds = await createVaultWithCredentials(vault);
    vault.clock.advance(-11 * 60_000); // the certificate is back-dated by 10 minutes
    try {
      const res = await client(creds.client).request('POST', '/v1/registrations', { json: await registrationBody() });
      assert.equal(res.status, 401);
      assert.equal(res.json.error.code, 'CBPVaultCredentialNotYetValid');
    } finally {
      vault.clock.advance(11 * 60_000);
    }
  });

  it('refuses a client certificate from another CA, on both kinds of route', async () => {
    const creds = await createVaultWithCredentials(vault);
    const machine = await registerMachine(client(creds.client));
    const foreign = createTestCa('Some Other CA').issue({ commonName: machine.machineId, usage: 'client' });
    const register = await client(foreign).request('POST', '/v1/registrations', { json: await registrationBody() });
    assert.equal(register.status, 401);
    assert.equal(register.json.error.code, '34513');
    const get = await client(foreign).request('GET', `/v1/registrations/${machine.registrationId}`);
    assert.equal(get.status, 401);
    assert.equal(get.json.error.code, 'MachineCertificateUntrusted');
    const withCredentials = await client(creds.client).request('GET', `/v1/registrations/${machine.registrationId}`);
    assert.equal(withCredentials.json.error.code, 'MachineCertificateUntrusted');
  });

  it("refuses one machine's certificate on another machine's registration, and unknown ids", async () => {
    const creds = await createVaultWithCredentials(vault);
    const a = await registerMachine(client(creds.client));
    const b = await registerMachine(client(creds.client));
    const res = await client(a.client).request('GET', `/v1/registrations/${b.registrationId}`);
    assert.equal(res.status, 403);
    assert.equal(res.json.error.code, 'RegistrationForbidden');
    const unknown = await client(a.client).request('DELETE', `/v1/registrations/${randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'RegistrationNotFound');
  });

  it('refuses a machine registered to another vault with 100110, and accepts it once unregistered', async () => {
    const first = await createVaultWithCredentials(vault);
    const second = await createVaultWithCredentials(vault);
    const machine = await registerMachine(client(first.client));
    const res = await client(second.client).request('POST', '/v1/registrations', { json: await registrationBody({ machineId: machine.machineId }) });
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, '100110');
    await client(machine.client).request('DELETE', `/v1/registrations/${machine.registrationId}`);
    const moved = await registerMachine(client(second.client), { machineId: machine.machineId });
    assert.equal(moved.response.status, 201);
    assert.notEqual(moved.registrationId, machine.registrationId);
  });

  it('limits a vault to 50 machines (VaultMachineLimitReached, 403) but still re-registers one of them', async () => {
    const creds = await createVaultWithCredentials(vault);
    const c = client(creds.client);
    const machines = [];
    for (let i = 0; i < 50; i++) machines.push(await registerMachine(c, { serverName: `m${i}` }));
    const over = await c.request('POST', '/v1/registrations', { json: await registrationBody() });
    assert.equal(over.status, 403);
    assert.equal(over.json.error.code, 'VaultMachineLimitReached');
    const again = await registerMachine(c, { machineId: machines[7]!.machineId });
    assert.equal(again.response.status, 200);
    await client(machines[0]!.client).request('DELETE', `/v1/registrations/${machines[0]!.registrationId}`);
    assert.equal((await registerMachine(c)).response.status, 201);
  });

  it('answers malformed bodies with code 400 and the field paths', async () => {
    const creds = await createVaultWithCredentials(vault);
    const body = { ...(await registrationBody()), machineId: 'not-a-guid', os: { name: '' }, extra: true };
    const res = await client(creds.client).request('POST', '/v1/registrations', { json: body });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, '400');
    const paths = (res.json.error.details.issues as Array<{ path: string }>).map((i) => i.path).sort();
    assert.deepEqual(paths, ['extra', 'machineId', 'os.name', 'os.version']);
  });

  it('refuses a CSR with a bad signature or a key under 2048 bits', async () => {
    const creds = await createVaultWithCredentials(vault);
    const c = client(creds.client);
    const keys = await machineKey();
    const pem = createCsr(keys);
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5]! ^= 0xff; // inside the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const bad = await c.request('POST', '/v1/registrations', { json: await registrationBody({ csr: tampered }) });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'CsrInvalid');
    assert.match(bad.json.error.message, /signature/);

    const small = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const weak = await c.request('POST', '/v1/registrations', {
      json: await registrationBody({ csr: createCsr({ publicKeyPem: small.publicKey, privateKeyPem: small.privateKey }) }),
    });
    assert.equal(weak.json.error.code, 'CsrInvalid');
    assert.match(weak.json.error.message, /2048/);

    const garbage = await c.request('POST', '/v1/registrations', { json: await registrationBody({ csr: 'hello' }) });
    assert.equal(garbage.json.error.code, 'CsrInvalid');
  });

  it('logs one line per request with method, path, status, vault and duration', async () => {
    const creds = await createVaultWithCredentials(vault);
    await registerMachine(client(creds.client));
    const line = vault.logs.find((l) => l.startsWith('POST /v1/registrations 201') && l.includes(`vault=${creds.identity.name}`));
    assert.ok(line, vault.logs.join('\n'));
    assert.match(line, /^POST \/v1\/registrations 201 vault=\S+ \d+\.\dms$/);
  });
});


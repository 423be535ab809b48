import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { request } from 'undici';
import { openVaultAdmin } from '../../../src/vault/index';
import { credentialsPfx, registerMachine, startTestVault, tempDir, vaultClient, type TestVault } from '../../support/vault';

async function adminCall(vault: TestVault, method: 'GET' | 'POST', urlPath: string, token?: string, body?: unknown) {
  const res = await request(`${vault.adminUrl}${urlPath}`, {
    method,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as { error?: { code: string; details?: unknown } } & Record<string, unknown> };
}

describe('vault admin API and admin sessions', () => {
  let vault: TestVault;
  let token: string;

  before(async () => {
    vault = await startTestVault();
    token = (await fs.readFile(path.join(vault.dataDir, 'admin-token'), 'utf8')).trim();
  });
  after(async () => {
    await vault.close();
  });

  it('listens on loopback only and keeps its token 0600 in the data folder', async () => {
    assert.match(vault.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fs.stat(path.join(vault.dataDir, 'admin-token'))).mode & 0o777, 0o600);
    assert.ok(token.length >= 40);
  });

  it('refuses calls without the bearer token, or with a wrong one', async () => {
    for (const t of [undefined, 'wrong', `${token}x`]) {
      const res = await adminCall(vault, 'GET', '/admin/v1/vaults', t);
      assert.equal(res.status, 401);
      assert.equal(res.json.error?.code, 'AdminTokenRequired');
    }
    const create = await adminCall(vault, 'POST', '/admin/v1/vaults', undefined, { name: 'sneaky' });
    assert.equal(create.status, 401);
    assert.equal((await vault.admin.listVaults()).some((v) => v.identity.name === 'sneaky'), false);
  });

  it('creates and lists vaults, refusing duplicates and bad names', async () => {
    const created = await adminCall(vault, 'POST', '/admin/v1/vaults', token, { name: 'lab1', location: 'westeurope', resourceGroup: 'rg-1' });
    assert.equal(created.status, 201);
    assert.equal(created.json.location, 'westeurope');
    assert.match(String(created.json.resourceId), /^\d+$/);
    const duplicate = await adminCall(vault, 'POST', '/admin/v1/vaults', token, { name: 'lab1' });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.json.error?.code, 'VaultAlreadyExists');
    const bad = await adminCall(vault, 'POST', '/admin/v1/vaults', token, { name: '-x' });
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.json.error?.details as { issues: Array<{ path: string }> }).issues.map((i) => i.path), ['name']);
    const list = await adminCall(vault, 'GET', '/admin/v1/vaults', token);
    assert.ok((list.json as unknown as Array<{ identity: { name: string } }>).some((v) => v.identity.name === 'lab1'));
  });

  // Found by npm run fuzz (target vault): decodeURIComponent threw, and the vault answered 500.
  it('refuses a path segment that is not valid percent-encoding with a 400, not a 500', async () => {
    for (const urlPath of ['/admin/v1/vaults/fz%ZZ/security-pin', '/admin/v1/registrations/x%E0%A4%A/revoke', '/admin/v1/registrations/%/backups']) {
      const res = await adminCall(vault, 'POST', urlPath, token, urlPath.endsWith('backups') ? { item: 'C:\\data' } : undefined);
      assert.equal(res.status, 400, urlPath);
      assert.equal(res.json.error?.code, '400', urlPath);
    }
  });

  // Found by npm run fuzz (target vault): the lookups found Object.prototype's members, a 500.
  it('knows no vault or registration named after an Object.prototype member', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      for (const [urlPath, code] of [[`/admin/v1/vaults/${name}/security-pin`, 'VaultNotFound'], [`/admin/v1/vaults/${name}/credentials`, 'VaultNotFound'], [`/admin/v1/registrations/${name}/revoke`, 'RegistrationNotFound']]) {
        const res = await adminCall(vault, 'POST', urlPath!, token);
        assert.equal(res.json.error?.code, code, urlPath);
      }
    }
    const created = await adminCall(vault, 'POST', '/admin/v1/vaults', token, { name: 'constructor' });
    assert.equal(created.status, 201, 'a vault may be named constructor');
    assert.equal((await adminCall(vault, 'POST', '/admin/v1/vaults/constructor/security-pin', token)).status, 201);
  });

  it('issues credentials and PINs, records backups, lists and revokes registrations', async () => {
    const issued = await adminCall(vault, 'POST', '/admin/v1/vaults/lab1/credentials', token, { validHours: 2 });
    assert.equal(issued.status, 201);
    const notAfter = Date.parse(String(issued.json.notAfter));
    assert.ok(Math.abs(notAfter - Date.now() - 2 * 3_600_000) < 60_000);
    assert.match(String(issued.json.xml), /<IdMgmtRestEndpoint>https:\/\/127\.0\.0\.1:\d+<\/IdMgmtRestEndpoint>/);
    assert.ok(String(issued.json.xml).includes(`<AgentLinks>BackupAgent,${vault.url}/v1/agent/latest</AgentLinks>`));
    assert.equal(issued.json.certPem, undefined, 'the API hands out the file, not loose key material');

    const credentialsClient = vaultClient(vault, { pfx: credentialsPfx(String(issued.json.xml)) });
    const machine = await registerMachine(credentialsClient);
    await credentialsClient.close();

    const pin = await adminCall(vault, 'POST', '/admin/v1/vaults/lab1/security-pin', token);
    assert.equal(pin.status, 201);
    assert.match(String(pin.json.pin), /^\d{8}$/);
    const registrations = await adminCall(vault, 'GET', '/admin/v1/vaults/lab1/registrations', token);
    assert.deepEqual((registrations.json as unknown as Array<{ registrationId: string }>).map((r) => r.registrationId), [machine.registrationId]);
    const backups = `/admin/v1/registrations/${machine.registrationId}/backups`;
    const backedUp = await adminCall(vault, 'POST', backups, token, { item: '/srv/data' });
    assert.deepEqual((backedUp.json.backupItems as Array<{ name: string }>).map((b) => b.name), ['/srv/data']);
    const badItem = await adminCall(vault, 'POST', backups, token, { item: 'a\u0007b', passphrase: 'x' });
    assert.equal(badItem.status, 400);
    assert.deepEqual((badItem.json.error?.details as { issues: Array<{ path: string }> }).issues.map((i) => i.path).sort(), ['item', 'passphrase']);
    const revoked = await adminCall(vault, 'POST', `/admin/v1/registrations/${machine.registrationId}/revoke`, token);
    assert.equal(revoked.json.status, 'revoked');
    const afterRevoke = await adminCall(vault, 'POST', backups, token, { item: '/srv/more' });
    assert.equal(afterRevoke.json.error?.code, 'RegistrationNotActive');
    const unknown = await adminCall(vault, 'POST', '/admin/v1/registrations/00000000-0000-0000-0000-000000000000/backups', token, { item: '/x' });
    assert.equal(unknown.json.error?.code, 'RegistrationNotFound');
    const missing = await adminCall(vault, 'POST', '/admin/v1/vaults/nope/security-pin', token);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error?.code, 'VaultNotFound');
    assert.ok(!vault.logs.some((l) => l.includes(String(pin.json.pin))), 'the PIN is not logged');
  });

  it("issues each credentials file of a running service with a key of its own (the spare made ahead is used once)", async () => {
    await vault.admin.createVault({ name: 'spare-keys' });
    const keys = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const file = await vault.admin.issueCredentials('spare-keys');
      const pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(credentialsPfx(file.xml).toString('binary'))));
      // Password-less, as the real files are: the key sits in a plain key bag.
      const [bag] = pfx.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!]!;
      keys.add(forge.pki.privateKeyToPem(bag!.key!));
    }
    assert.equal(keys.size, 3);
  });

  it('openVaultAdmin goes through the running service, and works on the files when none runs', async () => {
    const live = await openVaultAdmin(vault.dataDir);
    try {
      assert.equal(live.mode, 'service');
      await live.createVault({ name: 'via-service' });
    } finally {
      await live.close();
    }
    assert.ok((await vault.admin.listVaults()).some((v) => v.identity.name === 'via-service'), 'the running service saw it');

    const dir = await tempDir();
    try {
      const offline = await openVaultAdmin(dir);
      try {
        assert.equal(offline.mode, 'files');
        await offline.createVault({ name: 'offline' });
        const file = await offline.issueCredentials('offline');
        assert.match(file.xml, /<IdMgmtRestEndpoint>https:\/\/127\.0\.0\.1:8443<\/IdMgmtRestEndpoint>/);
      } finally {
        await offline.close();
      }
      const later = await startTestVault({ dataDir: dir });
      try {
        const vaults = await later.admin.listVaults();
        assert.equal(vaults[0]?.identity.name, 'offline');
        assert.ok(vaults[0]?.credentials, 'the offline-issued credentials are known to the service');
      } finally {
        await later.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('makes a second admin session wait for the first, and gives up with VaultDataBusy', async () => {
    const dir = await tempDir();
    try {
      const first = await openVaultAdmin(dir);
      await assert.rejects(openVaultAdmin(dir, { waitMs: 200 }), { code: 'VaultDataBusy' });
      const waiting = openVaultAdmin(dir, { waitMs: 5_000 });
      await first.createVault({ name: 'first' });
      await first.close();
      const second = await waiting;
      try {
        assert.deepEqual((await second.listVaults()).map((v) => v.identity.name), ['first']);
      } finally {
        await second.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

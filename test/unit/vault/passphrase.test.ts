import assert from 'node:assert/strict';
import {
  createVaultWithCredentials,
  registerMachine,
  startTestVault,
  vaultClient,
  type RegisteredMachine,
  type TestVault,
  type VaultClient,
} from '../../support/vault';

describe('vault passphrase change and security PINs', () => {
  let vault: TestVault;
  let vaultName: string;
  let machine: RegisteredMachine;
  let machineClient: VaultClient;
  const pinsSeen: string[] = [];

  const change = (securityPin: string, extra: Record<string, unknown> = {}) =>
    machineClient.request('POST', `/v1/registrations/${machine.registrationId}/passphrase-change`, { json: { securityPin, ...extra } });
  const newPin = async (name = vaultName) => {
    const { pin } = await vault.admin.issueSecurityPin(name);
    pinsSeen.push(pin);
    return pin;
  };

  before(async () => {
    vault = await startTestVault();
    const creds = await createVaultWithCredentials(vault);
    vaultName = creds.identity.name;
    const credentialsClient = vaultClient(vault, creds.client);
    machine = await registerMachine(credentialsClient);
    await credentialsClient.close();
    machineClient = vaultClient(vault, machine.client);
  });
  after(async () => {
    await machineClient.close();
    await vault.close();
  });

  it('issues 8-digit PINs valid for 5 minutes', async () => {
    const before = vault.clock.now().getTime();
    const { pin, expiresAt } = await vault.admin.issueSecurityPin(vaultName);
    pinsSeen.push(pin);
    assert.match(pin, /^\d{8}$/);
    assert.ok(Math.abs(expiresAt.getTime() - before - 5 * 60_000) < 5_000);
  });

  it('records the change and its time, and shows it on the registration', async () => {
    const pin = await newPin();
    const res = await change(pin);
    assert.equal(res.status, 200);
    const at = Date.parse(res.json.lastPassphraseChangeAt);
    assert.ok(Math.abs(at - vault.clock.now().getTime()) < 5_000);
    const got = await machineClient.request('GET', `/v1/registrations/${machine.registrationId}`);
    assert.equal(got.json.lastPassphraseChangeAt, res.json.lastPassphraseChangeAt);
  });

  it('refuses a PIN used before (SecurityPinAlreadyUsed)', async () => {
    const pin = await newPin();
    assert.equal((await change(pin)).status, 200);
    const again = await change(pin);
    assert.equal(again.status, 403);
    assert.equal(again.json.error.code, 'SecurityPinAlreadyUsed');
  });

  it('refuses a PIN older than 5 minutes (SecurityPinExpired)', async () => {
    const pin = await newPin();
    vault.clock.advance(5 * 60_000 + 1_000);
    const res = await change(pin);
    assert.equal(res.status, 403);
    assert.equal(res.json.error.code, 'SecurityPinExpired');
  });

  it("refuses a PIN never issued, or issued for another vault (SecurityPinInvalid)", async () => {
    const other = await vault.admin.createVault({ name: `other-${Date.now()}` });
    const foreignPin = await newPin(other.name);
    const res = await change(foreignPin);
    assert.equal(res.status, 403);
    assert.equal(res.json.error.code, 'SecurityPinInvalid');
  });

  it('refuses a body that carries anything but the PIN (the vault never receives a passphrase)', async () => {
    const pin = await newPin();
    const res = await change(pin, { passphrase: 'correct horse battery staple' });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, '400');
    assert.deepEqual(res.json.error.details.issues, [{ path: 'passphrase', message: 'Unknown field' }]);
    const malformed = await change('1234');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.error.details.issues[0].path, 'securityPin');
  });

  it('refuses a change for an unregistered machine (RegistrationNotActive)', async () => {
    const creds = await createVaultWithCredentials(vault);
    const credentialsClient = vaultClient(vault, creds.client);
    const other = await registerMachine(credentialsClient);
    await credentialsClient.close();
    const otherClient = vaultClient(vault, other.client);
    try {
      await otherClient.request('DELETE', `/v1/registrations/${other.registrationId}`);
      const { pin } = await vault.admin.issueSecurityPin(creds.identity.name);
      pinsSeen.push(pin);
      const res = await otherClient.request('POST', `/v1/registrations/${other.registrationId}/passphrase-change`, { json: { securityPin: pin } });
      assert.equal(res.status, 409);
      assert.equal(res.json.error.code, 'RegistrationNotActive');
    } finally {
      await otherClient.close();
    }
  });

  it('never writes a PIN or a PEM into the request log', () => {
    assert.ok(pinsSeen.length >= 6);
    assert.ok(vault.logs.some((l) => l.includes('/passphrase-change 403')), 'the log has the PIN requests');
    for (const line of vault.logs) {
      for (const pin of pinsSeen) assert.ok(!line.includes(pin), `PIN in log line: ${line}`);
      assert.ok(!line.includes('BEGIN'), `PEM in log line: ${line}`);
    }
  });
});

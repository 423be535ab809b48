/**
 * The vault client against the real local vault over mutual TLS: the registration lifecycle, the
 * vault's refusals as actionable errors, and the retry policy (5xx and resets retried with
 * bounded backoff, never a 4xx), counted at a fault-injecting proxy.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { inspect } from 'node:util';
import { agentLayout } from '../../../src/core/config/layout';
import { parseCredentials } from '../../../src/core/credentials/parse';
import type { ClientCertificate } from '../../../src/core/credentials/model';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import {
  createMachineCsr,
  ensureMachineIdentity,
  readMachineCertificate,
  VaultClient,
  writeMachineCertificate,
  type VaultClientOptions,
} from '../../../src/core/registration';
import { LocalTarget } from '../../../src/core/target/local';
import { MAX_MACHINES_PER_VAULT } from '../../../src/vault';
import { Secret } from '../../../src/core/secret';
import { captureLogger, startFaultProxy, type FaultProxy } from '../../support/service';
import { createVaultWithCredentials, registerMachine, startTestVault, tempDir, vaultClient, type TestVault } from '../../support/vault';

const target = new LocalTarget();
const OS = { name: 'Linux', version: '6.1' };

async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<SetupError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
  return err;
}

describe('VaultClient', function () {
  this.timeout(30_000);
  let vault: TestVault;
  let dir: string;

  before(async () => {
    vault = await startTestVault();
  });
  after(async () => {
    await vault?.close();
  });
  beforeEach(async () => {
    dir = await tempDir('vault-client-');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  function client(options: Partial<VaultClientOptions> = {}): VaultClient {
    return new VaultClient({ endpoint: vault.url, proxy: { source: 'off', strictSSL: true }, ca: [vault.caCertPem], logger: captureLogger(), retry: { baseDelayMs: 10, maxDelayMs: 20 }, ...options });
  }

  /** A vault with its credentials certificate, and this test's machine identity and CSR. */
  async function machine() {
    const creds = await createVaultWithCredentials(vault);
    const credentials = parseCredentials(Buffer.from(creds.file.xml), creds.file.fileName).clientCertificate;
    const layout = agentLayout(target, dir);
    const identity = await ensureMachineIdentity(target, layout, captureLogger());
    const request = { serverName: 'web-01', machineId: identity.machineId, os: OS, agentVersion: '1.0.0', csr: createMachineCsr(identity.key, identity.machineId) };
    return { creds, credentials, layout, identity, request };
  }

  it('registers, registers again (same id, new certificate), reads, records a passphrase change and unregisters', async () => {
    const { creds, credentials, layout, request } = await machine();
    const first = await client().register(credentials, request);
    assert.equal(first.created, true);
    assert.equal(first.vault.name, creds.identity.name);
    await writeMachineCertificate(target, layout, first.machineCertificate, first.caCertificate);
    const old = (await readMachineCertificate(target, layout)).identity;

    const again = await client().register(credentials, request);
    assert.equal(again.created, false);
    assert.equal(again.registrationId, first.registrationId);
    const superseded = await refused(client().getRegistration(old, first.registrationId), 'MachineCertificateSuperseded');
    assert.equal(superseded.params.action, 'registerAgain');

    await writeMachineCertificate(target, layout, again.machineCertificate, again.caCertificate);
    const stored = await readMachineCertificate(target, layout);
    // Trusting only the CA the vault returned is enough for every later call.
    const machineClient = client({ ca: undefined, vaultCa: stored.vaultCaPem });
    assert.equal((await machineClient.getRegistration(stored.identity, first.registrationId)).status, 'registered');
    const pin = new Secret((await vault.admin.issueSecurityPin(creds.identity.name)).pin);
    assert.ok((await machineClient.changePassphrase(stored.identity, first.registrationId, pin)).lastPassphraseChangeAt);
    assert.equal((await machineClient.unregister(stored.identity, first.registrationId)).status, 'unregistered');
    assert.equal((await machineClient.unregister(stored.identity, first.registrationId)).status, 'unregistered');
    const missing = await refused(machineClient.getRegistration(stored.identity, randomUUID()), 'RegistrationNotFound');
    assert.equal(missing.params.action, 'registerAgain');
  });

  it('refuses a machine registered with another vault (100110), naming that vault', async () => {
    const { creds, credentials, request } = await machine();
    await client().register(credentials, request);
    const other = await createVaultWithCredentials(vault);
    const otherCredentials = parseCredentials(Buffer.from(other.file.xml), other.file.fileName).clientCertificate;
    const err = await refused(client().register(otherCredentials, request), '100110');
    assert.equal(err.params.action, 'useCredentialsOfRegisteredVault');
    assert.equal(err.params.httpStatus, 409);
    // The vault names the other vault only in its own sentence, kept alongside ours.
    assert.match(String(err.params.vaultMessage), new RegExp(`registered to vault ${creds.identity.name}`));
  });

  it('refuses the machine past the vault limit', async function () {
    this.timeout(60_000);
    const { creds, credentials, request } = await machine();
    const admin = vaultClient(vault, creds.client);
    try {
      for (let i = 0; i < MAX_MACHINES_PER_VAULT; i++) await registerMachine(admin);
    } finally {
      await admin.close();
    }
    const err = await refused(client().register(credentials, request), 'VaultMachineLimitReached');
    assert.equal(err.params.action, 'unregisterAnotherMachine');
    assert.match(String(err.params.vaultMessage), new RegExp(`${MAX_MACHINES_PER_VAULT} registered machines`));
  });

  describe('retries', () => {
    let proxy: FaultProxy;
    let credentials: ClientCertificate;
    let request: Awaited<ReturnType<typeof machine>>['request'];

    beforeEach(async () => {
      proxy = await startFaultProxy(vault);
      ({ credentials, request } = await machine());
      proxy.addIdentity({ certPem: credentials.certPem, keyPem: credentials.keyPem });
    });
    afterEach(async () => {
      await proxy.close();
    });

    const viaProxy = (retries: number) => client({ endpoint: proxy.url, ca: [vault.caCertPem, proxy.caCertPem], retry: { retries, baseDelayMs: 10, maxDelayMs: 20 } });
    const outcomes = () => proxy.requests.map((r) => `${r.outcome}:${r.status ?? '-'}`);

    it('retries a 503 and a reset, up to the limit, with backoff', async () => {
      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'status503' });
      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'resetMidResponse' });
      const grant = await viaProxy(2).register(credentials, request);
      assert.deepEqual(outcomes(), ['status503:503', 'resetMidResponse:201', 'forwarded:200']);
      assert.equal(grant.created, false);

      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'status503', times: 5 });
      const err = await refused(viaProxy(2).register(credentials, request), 'HttpError');
      assert.equal(err.params.httpStatus, 503);
      assert.equal(outcomes().length, 6, 'three more attempts: the first and two retries');
    });

    it('never retries a 4xx, and never sends a malformed PIN', async () => {
      const stranger = await createVaultWithCredentials(vault);
      const superseded = parseCredentials(Buffer.from(stranger.file.xml), stranger.file.fileName).clientCertificate;
      await vault.admin.issueCredentials(stranger.identity.name);
      proxy.addIdentity({ certPem: superseded.certPem, keyPem: superseded.keyPem });
      await refused(viaProxy(3).register(superseded, request), '34513');
      assert.deepEqual(outcomes(), ['forwarded:401']);

      const pin = await refused(viaProxy(3).changePassphrase(credentials, randomUUID(), new Secret('1234')), 'SecurityPinInvalid');
      assert.equal(pin.params.action, 'generateNewSecurityPin');
      assert.equal(proxy.requests.length, 1);
    });
  });
});

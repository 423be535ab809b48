/**
 * The local vault's ARM emulator, driven through the Azure SDK clients the Azure provider will
 * use, pointed at the vault and trusting its test CA.
 */
import assert from 'node:assert/strict';
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RecoveryServicesClient, type ResourceCertificateAndAadDetails } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient, type GenericRecoveryPoint, type MabContainer, type MabFileFolderProtectedItem } from '@azure/arm-recoveryservicesbackup';
import { SubscriptionClient, type Subscription, type TenantIdDescription } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import { RECOVERY_SERVICES_API_VERSION, SUBSCRIPTIONS_API_VERSION } from '../../../src/core/vault/azure/apiVersions';
import { ARM_PAGE_SIZE } from '../../../src/vault/arm/resources';
import { createSelfSignedCertificate, generateRsaKeyPair } from '../../../src/core/credentials/selfSigned';
import {
  issueTestCredentials,
  registerMachine,
  startTestVault,
  vaultClient,
  type TestVault,
  type VaultClient,
} from '../../support/vault';

const SUBSCRIPTION = randomUUID();
const MAB_FILTER = "backupManagementType eq 'MAB'";

const credential = (token: string): TokenCredential => ({
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** Status and ARM error code of a failed SDK call. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { statusCode?: number; code?: string; details?: { error?: { code?: string } } };
    return { status: e.statusCode ?? 0, code: e.details?.error?.code ?? e.code ?? '' };
  }
  assert.fail('the call succeeded');
}

describe('vault ARM emulator (through the Azure SDKs)', function () {
  this.timeout(30_000);
  let vault: TestVault;
  let token: string;
  let rs: RecoveryServicesClient;
  let backup: RecoveryServicesBackupClient;

  const rsClient = (options: { token?: string; apiVersion?: string } = {}) =>
    new RecoveryServicesClient(credential(options.token ?? token), SUBSCRIPTION, {
      endpoint: vault.url,
      tlsOptions: { ca: vault.caCertPem },
      apiVersion: options.apiVersion,
      retryOptions: { maxRetries: 0 },
    });

  before(async () => {
    vault = await startTestVault();
    token = readFileSync(path.join(vault.dataDir, 'arm-token'), 'utf8').trim();
    rs = rsClient();
    backup = new RecoveryServicesBackupClient(credential(token), SUBSCRIPTION, {
      endpoint: vault.url,
      $host: vault.url,
      tlsOptions: { ca: vault.caCertPem },
      retryOptions: { maxRetries: 0 },
    });
  });
  after(async () => {
    await vault?.close();
  });

  describe('vaults', () => {
    const names = Array.from({ length: ARM_PAGE_SIZE + 3 }, (_, i) => `page${String(i).padStart(2, '0')}`);

    before(async () => {
      for (const [i, name] of names.entries()) {
        await vault.admin.createVault({ name, subscriptionId: SUBSCRIPTION, resourceGroup: i % 2 ? 'rg-odd' : 'rg-even', location: 'westeurope' });
      }
      await vault.admin.createVault({ name: 'elsewhere', subscriptionId: randomUUID() });
    });

    it('lists a subscription\'s vaults over more than one page, following nextLink', async () => {
      const before = vault.logs.length;
      const listed = [];
      for await (const v of rs.vaults.listBySubscriptionId()) listed.push(v);
      assert.deepEqual(listed.map((v) => v.name).sort(), names);
      const pages = vault.logs.slice(before).filter((line) => /^GET \/subscriptions\/[^ ]+\/vaults 200 /.test(line));
      assert.equal(pages.length, 2, pages.join('\n'));
      const one = listed.find((v) => v.name === 'page01')!;
      assert.equal(one.id, `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-odd/providers/Microsoft.RecoveryServices/vaults/page01`);
      assert.equal(one.location, 'westeurope');
      assert.equal(one.type, 'Microsoft.RecoveryServices/vaults');
    });

    it('lists a resource group\'s vaults and gets one (names case-insensitive, as ARM)', async () => {
      const odd = [];
      for await (const v of rs.vaults.listByResourceGroup('RG-ODD')) odd.push(v.name);
      assert.deepEqual(odd.sort(), names.filter((_, i) => i % 2));
      const got = await rs.vaults.get('rg-even', 'PAGE00');
      assert.equal(got.name, 'page00');
      assert.equal(got.properties?.provisioningState, 'Succeeded');
    });

    it('answers 404 ResourceNotFound for an unknown vault or one of another resource group', async () => {
      assert.deepEqual(await refusal(rs.vaults.get('rg-even', 'nosuchvault')), { status: 404, code: 'ResourceNotFound' });
      assert.deepEqual(await refusal(rs.vaults.get('rg-even', 'page01')), { status: 404, code: 'ResourceNotFound' });
    });

    it('refuses an api-version other than the pinned one with ARM\'s envelope', async () => {
      const old = rsClient({ apiVersion: '2016-06-01' });
      assert.deepEqual(await refusal(old.vaults.get('rg-even', 'page00')), { status: 400, code: 'InvalidApiVersionParameter' });
      const client = vaultClient(vault);
      try {
        const raw = await client.request('GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.RecoveryServices/vaults?api-version=2016-06-01`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(raw.status, 400);
        assert.deepEqual(Object.keys(raw.json.error).sort(), ['code', 'message']);
        assert.match(raw.json.error.message, new RegExp(RECOVERY_SERVICES_API_VERSION));
      } finally {
        await client.close();
      }
    });

    it('answers 401 with ARM\'s envelope to a wrong or missing token, and never logs a token', async () => {
      const wrong = rsClient({ token: 'not-the-token' });
      assert.deepEqual(await refusal(wrong.vaults.get('rg-even', 'page00')), { status: 401, code: 'InvalidAuthenticationToken' });
      const client = vaultClient(vault);
      try {
        const raw = await client.request('GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.RecoveryServices/vaults?api-version=${RECOVERY_SERVICES_API_VERSION}`);
        assert.equal(raw.status, 401);
        assert.equal(raw.json.error.code, 'AuthenticationFailed');
      } finally {
        await client.close();
      }
      assert.ok(!vault.logs.some((line) => line.includes(token) || line.includes('not-the-token')));
      assert.equal(statSync(path.join(vault.dataDir, 'arm-token')).mode & 0o777, 0o600);
    });
  });

  describe('tenants and subscriptions', () => {
    const subscriptionsClient = (options: { token?: string; apiVersion?: string } = {}) =>
      new SubscriptionClient(credential(options.token ?? token), {
        endpoint: vault.url,
        tlsOptions: { ca: vault.caCertPem },
        apiVersion: options.apiVersion ?? SUBSCRIPTIONS_API_VERSION,
        retryOptions: { maxRetries: 0 },
      });
    const others = Array.from({ length: ARM_PAGE_SIZE + 1 }, () => randomUUID());
    let tenantOfSubscription: string;

    before(async () => {
      for (const [i, subscriptionId] of others.entries()) await vault.admin.createVault({ name: `sub${String(i).padStart(2, '0')}`, subscriptionId });
      tenantOfSubscription = (await vault.admin.createVault({ name: 'samesub', subscriptionId: SUBSCRIPTION })).tenantId;
    });

    it('lists every subscription a vault names over more than one page, with its directory, and each directory', async () => {
      const before = vault.logs.length;
      const subscriptions: Subscription[] = [];
      for await (const s of subscriptionsClient().subscriptions.list()) subscriptions.push(s);
      assert.equal(vault.logs.slice(before).filter((line) => /^GET \/subscriptions 200 /.test(line)).length, 2, 'two pages');
      const ids = subscriptions.map((s) => s.subscriptionId);
      for (const id of [SUBSCRIPTION, ...others]) assert.equal(ids.filter((x) => x === id).length, 1, id);
      const ours = subscriptions.find((s) => s.subscriptionId === SUBSCRIPTION)!;
      // One directory per subscription: a later vault in it joined the first one's.
      assert.equal(ours.tenantId, tenantOfSubscription);
      assert.equal(ours.id, `/subscriptions/${SUBSCRIPTION}`);
      assert.equal(ours.displayName, `Local subscription ${SUBSCRIPTION.slice(0, 8)}`);
      assert.equal(ours.state, 'Enabled');

      const tenants: TenantIdDescription[] = [];
      for await (const t of subscriptionsClient().tenants.list()) tenants.push(t);
      assert.deepEqual(tenants.map((t) => t.tenantId).sort(), [...new Set(subscriptions.map((s) => s.tenantId))].sort());
      const home = tenants.find((t) => t.tenantId === tenantOfSubscription)!;
      assert.equal(home.id, `/tenants/${tenantOfSubscription}`);
      assert.equal(home.displayName, `Local directory ${tenantOfSubscription.slice(0, 8)}`);
      assert.equal(home.tenantCategory, 'Home');
      assert.deepEqual(home.domains, [home.defaultDomain]);
    });

    it("refuses another api-version or token with ARM's envelope", async () => {
      const old = subscriptionsClient({ apiVersion: '2016-06-01' });
      const listAll = async (client: SubscriptionClient) => {
        for await (const _ of client.tenants.list()) void _;
      };
      assert.deepEqual(await refusal(listAll(old)), { status: 400, code: 'InvalidApiVersionParameter' });
      assert.deepEqual(await refusal(listAll(subscriptionsClient({ token: 'not-the-token' }))), { status: 401, code: 'InvalidAuthenticationToken' });
      const client = vaultClient(vault);
      try {
        const raw = await client.request('GET', '/subscriptions', { headers: { authorization: `Bearer ${token}` } });
        assert.equal(raw.status, 400);
        assert.equal(raw.json.error.code, 'MissingApiVersionParameter');
      } finally {
        await client.close();
      }
    });
  });

  describe('certificates and registered servers', () => {
    const name = 'armlab';
    const rg = 'rg-arm';

    before(async () => {
      await vault.admin.createVault({ name, subscriptionId: SUBSCRIPTION, resourceGroup: rg, location: 'westus' });
    });

    it('makes an uploaded certificate the vault\'s latest credentials, superseding the previous file', async () => {
      const previous = await issueTestCredentials(vault, name);
      const keys = await generateRsaKeyPair();
      const now = Date.now();
      const certPem = createSelfSignedCertificate(keys, { notBefore: new Date(now - 600_000), notAfter: new Date(now + 48 * 3_600_000) });
      const der = new X509Certificate(certPem).raw;
      let bodyText = '';
      const answer = await rs.vaultCertificates.create(
        rg,
        name,
        `${name}${SUBSCRIPTION}-1-1-2026-vaultcredentials`,
        { properties: { authType: 'AAD', certificate: der } },
        { onResponse: (raw) => (bodyText = raw.bodyAsText ?? '') },
      );

      const identity = (await vault.admin.listVaults()).find((v) => v.identity.name === name)!.identity;
      // The int64 is written exactly, as a raw number, though JSON.parse would round it.
      assert.ok(BigInt(identity.resourceId) > 2n ** 53n, identity.resourceId);
      assert.match(bodyText, new RegExp(`"resourceId":${identity.resourceId}[,}]`));
      const props = answer.properties as ResourceCertificateAndAadDetails;
      assert.equal(props.authType, 'AzureActiveDirectory');
      assert.equal(props.aadTenantId, identity.tenantId);
      assert.equal(props.azureManagementEndpointAudience, vault.url);
      assert.equal(props.aadAudience, `https://RecoveryServiceVault/westus/${name}/${identity.resourceId}`);
      assert.equal(props.subject, 'CN=Windows Azure Tools');
      assert.equal(props.thumbprint, new X509Certificate(certPem).fingerprint.replaceAll(':', ''));
      for (const key of ['aadAuthority', 'servicePrincipalClientId', 'servicePrincipalObjectId'] as const) assert.ok(props[key], key);

      // The previous file is refused at registration; the uploaded certificate registers.
      const old = vaultClient(vault, previous.client);
      const fresh = vaultClient(vault, { certPem, keyPem: keys.privateKeyPem });
      try {
        await assert.rejects(registerMachine(old), /registration failed: 401 .*34513/);
        await registerMachine(fresh, { serverName: 'srv-uploaded' });
      } finally {
        await old.close();
        await fresh.close();
      }
    });

    // Found by npm run fuzz (target arm): OpenSSL opened it, its dates were "Bad time value", and the upload was a 500.
    it('refuses a certificate whose validity is no date with 400 InvalidRequestContent', async () => {
      const keys = await generateRsaKeyPair();
      const certPem = createSelfSignedCertificate(keys, { notBefore: new Date(Date.UTC(2026, 11, 6)), notAfter: new Date(Date.UTC(2026, 11, 8)) });
      const der = Buffer.from(new X509Certificate(certPem).raw);
      // notBefore's UTCTime "261206000000Z" with its month made "1/".
      const at = der.indexOf('261206000000Z', 0, 'latin1');
      assert.ok(at > 0);
      der.write('2612/6', at, 'latin1');
      assert.equal(new X509Certificate(der).validFrom, 'Bad time value', 'OpenSSL opens it');
      const raw = vaultClient(vault);
      try {
        const res = await raw.request('PUT', `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${name}/certificates/c?api-version=${RECOVERY_SERVICES_API_VERSION}`, {
          json: { properties: { authType: 'AAD', certificate: der.toString('base64') } },
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(res.status, 400);
        assert.equal(res.json.error.code, 'InvalidRequestContent');
      } finally {
        await raw.close();
      }
    });

    it('lists registered servers as MAB containers with their backup items, and a registered identity DELETE unregisters one', async () => {
      const { client } = await issueTestCredentials(vault, name);
      const credentialsClient = vaultClient(vault, client);
      let registrationId: string;
      try {
        ({ registrationId } = await registerMachine(credentialsClient, { serverName: 'srv-01', agentVersion: '2.0.1' }));
      } finally {
        await credentialsClient.close();
      }
      await vault.admin.recordBackup(registrationId, 'C:\\Data');
      vault.clock.advance(3_600_000);
      await vault.admin.recordBackup(registrationId, 'D:\\Projects');
      const lastBackup = vault.clock.now().toISOString();
      const mab = async () => {
        const found: MabContainer[] = [];
        for await (const c of backup.backupProtectionContainers.list(name, rg, { filter: MAB_FILTER })) found.push(c.properties as MabContainer);
        return found;
      };
      const containers = await mab();
      assert.deepEqual(containers.map((c) => c.friendlyName).sort(), ['srv-01', 'srv-uploaded']);
      const srv = containers.find((c) => c.friendlyName === 'srv-01')!;
      assert.equal(srv.containerType, 'Windows');
      assert.equal(srv.backupManagementType, 'MAB');
      assert.equal(srv.registrationStatus, 'Registered');
      assert.equal(srv.agentVersion, '2.0.1');
      assert.equal(srv.protectedItemCount, 2);
      assert.deepEqual(srv.extendedInfo?.backupItems, ['C:\\Data', 'D:\\Projects']);
      const items: MabFileFolderProtectedItem[] = [];
      for await (const item of backup.backupProtectedItems.list(name, rg, { filter: MAB_FILTER })) items.push(item.properties as MabFileFolderProtectedItem);
      assert.deepEqual(items.map((i) => [i.computerName, i.friendlyName]), [['srv-01', 'C:\\Data'], ['srv-01', 'D:\\Projects']]);
      assert.ok(Math.abs(items[1]!.lastBackupTime!.getTime() - Date.parse(lastBackup)) < 1_000, String(items[1]!.lastBackupTime));
      assert.deepEqual(await refusal(backup.backupProtectedItems.list(name, rg).next()), { status: 400, code: 'BMSUserErrorInvalidFilter' });

      // Each item's recovery points (one per backup), latest first, GenericRecoveryPoint; the item's extendedInfo counts them.
      vault.clock.advance(3_600_000);
      await vault.admin.recordBackup(registrationId, 'C:\\Data');
      const points: GenericRecoveryPoint[] = [];
      for await (const p of backup.recoveryPoints.list(name, rg, 'Azure', 'srv-01', 'C:\\Data')) points.push(p.properties as GenericRecoveryPoint);
      assert.equal(points.length, 2);
      assert.ok(points.every((p) => p.objectType === 'GenericRecoveryPoint' && p.recoveryPointTime instanceof Date));
      assert.ok(points[0]!.recoveryPointTime! > points[1]!.recoveryPointTime!, 'latest first');
      const refreshed: MabFileFolderProtectedItem[] = [];
      for await (const item of backup.backupProtectedItems.list(name, rg, { filter: MAB_FILTER })) refreshed.push(item.properties as MabFileFolderProtectedItem);
      assert.deepEqual(refreshed.map((i) => i.extendedInfo?.recoveryPointCount), [2, 1]);
      assert.deepEqual(refreshed[0]!.extendedInfo?.oldestRecoveryPoint, points[1]!.recoveryPointTime);
      assert.deepEqual(await refusal(backup.recoveryPoints.list(name, rg, 'Azure', 'srv-01', 'Z:\\none').next()), { status: 404, code: 'ResourceNotFound' });
      assert.deepEqual(await refusal(backup.recoveryPoints.list(name, rg, 'Other', 'srv-01', 'C:\\Data').next()), { status: 404, code: 'ResourceNotFound' });

      await rs.registeredIdentities.delete(rg, name, 'SRV-01');
      assert.deepEqual((await mab()).map((c) => c.friendlyName), ['srv-uploaded']);
      const registrations = await vault.admin.listRegistrations(name);
      assert.equal(registrations.find((r) => r.serverName === 'srv-01')?.status, 'unregistered');
      const orphaned = [];
      for await (const item of backup.backupProtectedItems.list(name, rg, { filter: MAB_FILTER })) orphaned.push(item);
      assert.deepEqual(orphaned, [], 'a removed server lists no backup items');
      assert.deepEqual(await refusal(rs.registeredIdentities.delete(rg, name, 'never-registered')), { status: 404, code: 'ResourceNotFound' });
    });

    it('generates a security PIN the vault accepts once for a passphrase change', async () => {
      const { client } = await issueTestCredentials(vault, name);
      const credentialsClient = vaultClient(vault, client);
      let machineClient: VaultClient | undefined;
      try {
        const machine = await registerMachine(credentialsClient, { serverName: 'srv-pin' });
        machineClient = vaultClient(vault, machine.client);
        let bodyText = '';
        const answer = await backup.securityPINs.get(name, rg, { onResponse: (raw) => (bodyText = raw.bodyAsText ?? '') });
        assert.match(answer.securityPIN ?? '', /^\d{8}$/);
        // .NET ticks of now + 5 minutes, a raw int64.
        const ticks = BigInt(/"expiryTimeInUtcTicks":(\d+)[,}]/.exec(bodyText)![1]!);
        const expiresMs = Number((ticks - 621_355_968_000_000_000n) / 10_000n);
        assert.ok(Math.abs(expiresMs - (vault.clock.now().getTime() + 5 * 60_000)) < 5_000, String(expiresMs));
        const change = (pin: string) => machineClient!.request('POST', `/v1/registrations/${machine.registrationId}/passphrase-change`, { json: { securityPin: pin } });
        assert.equal((await change(answer.securityPIN!)).status, 200);
        assert.equal((await change(answer.securityPIN!)).json.error.code, 'SecurityPinAlreadyUsed');
      } finally {
        await credentialsClient.close();
        await machineClient?.close();
      }
    });
  });
});

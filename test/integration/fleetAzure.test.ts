// A fleet run with a credentials file from Azure (issue 13, the core's credentialsForRun), in the
// real VS Code host against the local vault's ARM emulator and real sshd servers: a run started
// with a file from Azure that another admin has since superseded is refused by the vault on every
// server; "Register Failed Again" then takes exactly one fresh file for the whole retry (one
// certificate upload, not one per server), selects it, and every server registers with it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { FleetReport } from '../../src/core/fleet';
import { actionOf } from '../../src/core/registration/errors';
import type { ServerRecord } from '../../src/vscode/features/servers/store';
import { THIS_SERVER_ID } from '../../src/vscode/features/servers/view';
import { startRemoteServers, type RemoteServers } from '../support/remoteServers';
import { signInToEmulator, signOutOfEmulator } from '../support/emulatorSignIn';
import { startHarness, type Harness } from '../support/setupHarness';
import { sshdUnavailableReason } from '../support/sshd';
import { KEEP, TestUserInput, type MessageRecord } from '../support/testUserInput';

const SUBSCRIPTION = randomUUID();
const VAULT = 'az-fleet';
const LAST_REPORT_KEY = 'backupAgent.fleet.lastReport';
const SERVERS = ['azf1', 'azf2', 'azf3'];

describe('A fleet run with a file from Azure (the local vault\'s ARM emulator, sshd servers)', function () {
  this.timeout(300_000);
  let h: Harness;
  let remote: RemoteServers;
  /** The answers to the directory and subscription picks, by the names the emulator gives them. */
  let pickSubscription: string[] = [];

  /** The emulator's certificate uploads so far: each one is a new credentials file from Azure. */
  const certificatePuts = () => h.vault.logs.filter((line) => /^PUT \/subscriptions\/\S+\/vaults\/az-fleet\/certificates\/\S+ 200 /.test(line)).length;
  const records = (): ServerRecord[] => h.testing.servers.records().filter((r) => r.id !== THIS_SERVER_ID);

  before(async function () {
    const reason = sshdUnavailableReason();
    if (reason) {
      console.warn(`    skipping: ${reason}`);
      this.skip();
    }
    h = await startHarness();
    ({ pickSubscription } = await signInToEmulator(h, { name: VAULT, subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-fleet', location: 'northeurope' }));
    remote = await startRemoteServers(h.dir);
  });
  after(async () => {
    for (const r of records()) await h?.testing.serverStore.remove(r.id);
    await h?.testing.extensionGlobalState.update(LAST_REPORT_KEY, undefined);
    await signOutOfEmulator(h);
    await remote?.close();
    await h?.close();
  });

  it('a retry of a run whose file from Azure was superseded takes one fresh file for the whole run, and every server registers with it', async () => {
    for (const alias of SERVERS) await remote.add(alias);
    // The admin gets a file from Azure (one upload)…
    await h.run('backupAgent.getCredentialsFromAzure', [...pickSubscription, VAULT, true]);
    const fromAzure = h.testing.session.snapshot().credentials;
    assert.ok(fromAzure?.ok && fromAzure.value.vaultName === VAULT, JSON.stringify(fromAzure));
    assert.equal(certificatePuts(), 1, 'one certificate upload for the first file');
    // …and another admin downloads a newer one before the run: the vault now refuses the first.
    await h.vault.admin.issueCredentials(VAULT);

    const reports: FleetReport[] = [];
    const onMessage = (m: MessageRecord) => {
      const report = h.testing.extensionGlobalState.get<FleetReport>(LAST_REPORT_KEY);
      if (!report || !m.actions.includes('Show Report')) return undefined;
      reports.push(report);
      return reports.length === 1 ? 'Register Failed Again' : undefined;
    };
    const passphraseFolder = path.join(h.dir, 'fleet-azure-passphrases');
    const input = new TestUserInput(
      [
        /^azf\d$/,
        KEEP, // nothing typed
        fromAzure.file,
        'The same folders on every server of each platform',
        'A passphrase per server',
        passphraseFolder,
        'Register 3 Servers',
        true, // the three unknown host keys
        true,
        true,
        path.join(h.dir, 'fleet-azure', '{server}'), // the Linux servers' folders, once their systems are known (kept for the run again)
        '',
        // "Register Failed Again": the run's file is stale, so the Azure command gets one fresh file for it.
        ...pickSubscription,
        VAULT,
        true,
      ],
      onMessage,
    );
    h.testing.useInput(input);
    try {
      await vscode.commands.executeCommand('backupAgent.registerServers');
      input.assertDone();
    } catch (err) {
      assert.fail(`${String(err)}; messages: ${JSON.stringify(input.messages)}`);
    } finally {
      h.testing.useInput(undefined);
    }
    assert.equal(input.messages.filter((m) => m.kind === 'error').length, 0, JSON.stringify(input.messages));

    const [first, retry] = reports;
    assert.ok(first && retry, `two runs reported: ${JSON.stringify(input.messages)}`);
    assert.deepEqual(first.counts, { registered: 0, skipped: 0, failed: 3, cancelled: 0 }, JSON.stringify(first.rows));
    for (const row of first.rows) {
      assert.ok(row.reason && actionOf(row.reason, { signedInToAzure: true }) === 'getCredentialsFromAzure', `${row.key} refused as stale: ${JSON.stringify(row.reason)}`);
    }
    assert.deepEqual(retry.rows.map((r) => [r.key, r.state]), SERVERS.map((s) => [s, 'registered']));
    assert.equal(certificatePuts(), 2, 'exactly one more certificate upload for the whole retry, not one per server');
    const confirms = input.prompts.filter((p) => p.kind === 'confirm' && /Get a new credentials file for vault az-fleet\?/.test(p.text ?? ''));
    assert.equal(confirms.length, 1, 'the user confirmed superseding once');

    // The fresh file is the window's selected file, and the vault's latest: every registration came after it.
    const fresh = h.testing.session.snapshot().credentials;
    assert.ok(fresh?.ok && fresh.value.vaultName === VAULT && fresh.file !== fromAzure.file, JSON.stringify(fresh));
    const latest = (await h.vault.admin.listVaults()).find((v) => v.identity.name === VAULT)?.credentials;
    assert.ok(latest);
    const registered = (await h.vault.admin.listRegistrations(VAULT)).filter((r) => r.status === 'registered');
    assert.deepEqual(registered.map((r) => r.serverName).sort(), retry.rows.map((r) => r.serverName).sort());
    for (const r of registered) assert.ok(Date.parse(r.registeredAt) >= Date.parse(latest.issuedAt), `${r.serverName} registered at ${r.registeredAt}, after the fresh file of ${latest.issuedAt}`);
    for (const alias of SERVERS) {
      const agent = JSON.parse(await fs.readFile(path.join(h.dir, 'fleet-azure', alias, 'config', 'agent.json'), 'utf8'));
      assert.equal(agent.vault.name, VAULT, alias);
      assert.equal(records().find((r) => r.destination === alias)?.registrationId, agent.registration.id, alias);
    }
  });
});

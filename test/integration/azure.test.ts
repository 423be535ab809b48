// "Get Vault Credentials from Azure…" in the real VS Code host, against the local vault's ARM
// emulator started here: the test-mode auth provider signs in with the emulator's own token, the
// command picks the subscription and vault and writes the file 0600 into a private 0700 folder,
// the project's inspection accepts it, "Get a Fresh File from Azure" is the next step for a
// superseded file, the wizard's "From Azure…" registers with it and the file is then gone, and the
// token is nowhere VS Code stores or logs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { inspectCredentialsFile } from '../../src/core/credentials/inspect';
import { createHandlers } from '../../src/vscode/features/setupPage/handlers';
import { REQUEST_PARAMS } from '../../src/webview/protocol';
import { activateExtension, waitUntil } from '../support/extension';
import { signInToEmulator, signOutOfEmulator } from '../support/emulatorSignIn';
import { startHarness, type Harness } from '../support/setupHarness';
import { ALTERNATIVE, KEEP, TestUserInput, type MessageRecord } from '../support/testUserInput';

const SUBSCRIPTION = randomUUID();
/** The answers to the directory and subscription picks, by the names the emulator gives them. */
let pickSubscription: string[] = [];
const VAULT = 'az-lab';
const config = () => vscode.workspace.getConfiguration('backupAgent');

/** Every file under `dir` (skipping what cannot be read), for a search of its bytes. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('Vault credentials from Azure (the local vault\'s ARM emulator)', function () {
  this.timeout(240_000);
  let h: Harness;
  let token: string;
  const messages: MessageRecord[] = [];
  const record = (m: MessageRecord) => void messages.push(m);

  before(async () => {
    h = await startHarness();
    ({ pickSubscription, token } = await signInToEmulator(h, { name: VAULT, subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-az', location: 'westeurope' }));
  });
  after(async () => {
    await signOutOfEmulator(h);
    await h?.close();
  });

  it('signs in through the test provider and selects a fresh file: 0600 in a private 0700 folder, accepted by the project\'s inspection', async () => {
    assert.equal(await h.testing.azure.signIn.refresh(), false, 'not signed in before the command');
    const input = await h.run('backupAgent.getCredentialsFromAzure', [...pickSubscription, VAULT, true], record);
    const vaultPick = input.prompts.find((p) => p.kind === 'pick' && p.items?.includes(VAULT));
    assert.ok(vaultPick, JSON.stringify(input.prompts));
    assert.equal(vaultPick.descriptions?.[vaultPick.items!.indexOf(VAULT)], 'resource group rg-az · westeurope');
    // Directory, then subscription by its name with its id, then vault: three steps, each named as the portal names it.
    const [tenantPick, subscriptionPick] = input.prompts.filter((p) => p.kind === 'pick');
    assert.equal(tenantPick?.step, '1/3');
    assert.ok(tenantPick?.items?.includes(pickSubscription[0]!), JSON.stringify(tenantPick));
    assert.equal(subscriptionPick?.step, '2/3');
    assert.equal(subscriptionPick?.descriptions?.[subscriptionPick.items!.indexOf(pickSubscription[1]!)], SUBSCRIPTION);
    assert.equal(vaultPick.step, '3/3');
    const confirm = input.prompts.find((p) => p.kind === 'confirm');
    assert.match(confirm?.text ?? '', /vault az-lab\?\n.*every earlier credentials file for this vault stop working, including other admins'/);
    assert.ok(messages.some((m) => m.kind === 'info' && /fresh credentials file for vault az-lab is selected/.test(m.text) && m.actions.includes('Save a Copy…')), JSON.stringify(messages));
    assert.equal(await h.testing.azure.signIn.refresh(), true, 'signed in after it');
    // The Servers view follows without a refresh: the vault just picked is listed (the sign-in came before the pick, with no subscription to list yet).
    const listsVault = () => h.testing.servers.getChildren().some((e) => 'kind' in e && e.kind === 'vault' && e.ref.vault === VAULT) || undefined;
    await waitUntil(listsVault, `vault ${VAULT} in the Servers view`);

    const selected = h.testing.session.snapshot().credentials;
    assert.ok(selected?.ok, JSON.stringify(selected));
    assert.equal(selected.value.vaultName, VAULT);
    assert.equal(selected.value.subscriptionId, SUBSCRIPTION);
    assert.equal(selected.value.backend, 'local', 'composed by the configured endpoint: the local vault and its agent');
    const file = selected.file;
    const folder = path.dirname(file);
    assert.equal(path.dirname(folder), path.resolve(os.tmpdir()));
    assert.match(path.basename(folder), /^backup-agent-credentials-/);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(folder)).mode & 0o777, 0o700);
    const inspected = await inspectCredentialsFile(file);
    assert.equal(inspected.vaultName, VAULT);
  });

  it('"From Azure…" in the wizard\'s first step registers this server with the fresh file, which is then removed with its folder', async () => {
    const passphraseFile = path.join(h.dir, 'keep', 'azure-passphrase.txt');
    await config().update('installFolder', path.join(h.dir, 'install-azure'), vscode.ConfigurationTarget.Global);
    let file: string | undefined;
    const seen = (m: MessageRecord) => {
      if (/fresh credentials file for vault/.test(m.text)) file = h.testing.session.snapshot().credentials?.file;
      return undefined;
    };
    await h.run('backupAgent.setup', [ALTERNATIVE, ...pickSubscription, VAULT, true, KEEP, '', '', 'No proxy', 'Generate', 'Save to file', passphraseFile, true, 'Register This Server'], seen);
    assert.ok(file, 'the Azure file was selected');
    const agentConfig = JSON.parse(await fs.readFile(path.join(h.dir, 'install-azure', 'config', 'agent.json'), 'utf8'));
    assert.equal(agentConfig.vault.name, VAULT);
    // The Servers view opens the vault this server is now registered with, though its vaults were read before the registration.
    const vaultRoot = h.testing.servers.getChildren().find((e) => 'kind' in e && e.kind === 'vault' && e.ref.vault === VAULT);
    assert.ok(vaultRoot, 'the vault in the Servers view');
    await waitUntil(async () => (await h.testing.servers.getTreeItem(vaultRoot)).collapsibleState === vscode.TreeItemCollapsibleState.Expanded || undefined, 'the vault opened in the Servers view');
    await waitUntil(() => (!existsSync(file!) && !existsSync(path.dirname(file!))) || undefined, 'the file and its private folder removed');
  });

  it('offers "Get a Fresh File from Azure" for a superseded file while signed in, and that file is then selected', async () => {
    const older = await h.issueFile('older.VaultCredentials');
    await h.issueFile('newer.VaultCredentials');
    await h.testing.session.selectCredentials(older);
    await config().update('installFolder', path.join(h.dir, 'install-superseded'), vscode.ConfigurationTarget.Global);
    const offered: MessageRecord[] = [];
    const choose = (m: MessageRecord) => {
      offered.push(m);
      return m.kind === 'error' && /a newer one was downloaded since/.test(m.text) ? 'Get a Fresh File from Azure' : undefined;
    };
    // Register refuses the superseded file; its next step runs the Azure command (the subscription now picked from the recent ones).
    await h.run('backupAgent.register', ['Register This Server', ...pickSubscription, VAULT, true], choose);
    const refusal = offered.find((m) => m.kind === 'error');
    assert.ok(refusal?.actions.includes('Get a Fresh File from Azure'), JSON.stringify(offered));
    assert.ok(!refusal?.actions.includes('Select a New Credentials File…'), 'the portal route is not offered while signed in');
    const selected = h.testing.session.snapshot().credentials;
    assert.ok(selected?.ok && selected.value.vaultName === VAULT && selected.file !== older, JSON.stringify(selected));
  });

  it('the status bar offers "Get a Fresh File from Azure" while signed in for a file about to expire, not for one with time left', async () => {
    const { api } = await activateExtension();
    const freshOffered = () => {
      const tooltip = api.statusBarItem.tooltip;
      return tooltip instanceof vscode.MarkdownString && tooltip.value.includes('command:backupAgent.getCredentialsFromAzure');
    };
    assert.equal(await h.testing.azure.signIn.refresh(), true, 'signed in');
    await config().update('installFolder', path.join(h.dir, 'install-status'), vscode.ConfigurationTarget.Global);
    await h.testing.session.selectCredentials(await h.issueFile('roomy.VaultCredentials', 48));
    await waitUntil(() => (/expire in 4\dh/.test(api.statusBarItem.text) ? true : undefined), 'the 48-hour file shown');
    assert.equal(freshOffered(), false, 'a file with 48 hours left gets no fresh-file offer');
    // Half an hour left: less than a stalled setup may take (the core's expiry warning).
    await h.testing.session.selectCredentials(await h.issueFile('closing.VaultCredentials', 0.5));
    await waitUntil(() => (freshOffered() ? true : undefined), 'the fresh-file offer in the status tooltip');
    assert.match(api.statusBarItem.text, /expire in 0h/);
  });

  it('the setup page\'s "From Azure…" selects a fresh file through the same command; its message takes no parameters', async () => {
    assert.ok(!REQUEST_PARAMS['credentials/fromAzure'].safeParse({ file: '/etc/passwd' }).success, 'a parameter is refused');
    const before = h.testing.session.snapshot().credentials?.file;
    const input = new TestUserInput([...pickSubscription, VAULT, true]);
    h.testing.useInput(input);
    try {
      assert.deepEqual(await createHandlers(h.testing.session)['credentials/fromAzure']({}, new AbortController().signal), { cancelled: false });
    } finally {
      h.testing.useInput(undefined);
    }
    input.assertDone();
    const selected = h.testing.session.snapshot().credentials;
    assert.ok(selected?.ok && selected.value.vaultName === VAULT && selected.file !== before, JSON.stringify(selected));
    // Declined at the confirmation: the page hears "cancelled" and the selected file stays.
    const cancelled = new TestUserInput([...pickSubscription, VAULT, false]);
    h.testing.useInput(cancelled);
    try {
      assert.deepEqual(await createHandlers(h.testing.session)['credentials/fromAzure']({}, new AbortController().signal), { cancelled: true });
    } finally {
      h.testing.useInput(undefined);
    }
    assert.equal(h.testing.session.snapshot().credentials?.file, selected.file);
  });

  it('keeps the token out of settings, globalState, the logs and the vault\'s log', async () => {
    const dir = process.env.BAS_USER_DATA_DIR;
    assert.ok(dir, 'BAS_USER_DATA_DIR is not set: run this suite through scripts/test.mjs integration');
    const files = await filesUnder(dir);
    assert.ok(files.some((f) => f.endsWith('settings.json')), `no settings.json under ${dir}`);
    const holding: string[] = [];
    let logged = false;
    for (const f of files) {
      const bytes = await fs.readFile(f).catch(() => Buffer.alloc(0));
      if (bytes.includes(token)) holding.push(path.relative(dir, f));
      logged ||= bytes.includes('Running backupAgent.getCredentialsFromAzure');
    }
    assert.ok(logged, "the extension's log is among the files searched");
    assert.deepEqual(holding, [], 'files of the VS Code profile holding the token');
    const state = h.testing.extensionGlobalState;
    assert.ok(!JSON.stringify(state.keys().map((k) => state.get(k))).includes(token), 'globalState');
    assert.ok(!h.vault.logs.some((line) => line.includes(token)), "the vault's log");
  });
});

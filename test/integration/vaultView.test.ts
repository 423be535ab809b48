// The vault's view in the Servers view, in the real VS Code host against the local vault's ARM
// emulator started here: signed in through the test-mode provider, two servers registered with
// the vault (this server with a file from Azure through the wizard, and another machine's agent the
// admin's list does not name), the view lists the vault with both as the vault reports them, and
// "Remove from Vault…" removes one only once its name is typed; signed in, a passphrase change
// takes its security PIN from the vault.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { verifyPassphrase } from '../../src/core/passphrase/verifier';
import type { ServerElement } from '../../src/vscode/features/servers/view';
import type { VaultNode, VaultServerNode } from '../../src/vscode/features/servers/vaultNodes';
import { waitUntil } from '../support/extension';
import { signInToEmulator, signOutOfEmulator } from '../support/emulatorSignIn';
import { startHarness, type Harness } from '../support/setupHarness';
import { issueTestCredentials, registerMachine, vaultClient } from '../support/vault';
import { ALTERNATIVE, CANCEL, KEEP, TestUserInput, type MessageRecord } from '../support/testUserInput';

const SUBSCRIPTION = randomUUID();
/** The answers to the directory and subscription picks, by the names the emulator gives them. */
let pickSubscription: string[] = [];
const VAULT = 'az-view';
const OTHER = 'vault-only-srv';
/** pickVault.ts's key of the subscriptions picked before. */
const RECENT_KEY = 'azure.recentSubscriptions';
const config = () => vscode.workspace.getConfiguration('backupAgent');
const isKind = <K extends string>(kind: K) => (e: ServerElement): e is Extract<ServerElement, { kind: K }> => 'kind' in e && e.kind === kind;

describe("The vault's view in the Servers view (the local vault's ARM emulator)", function () {
  this.timeout(300_000);
  let h: Harness;
  let thisName: string;
  let recentBefore: unknown;
  let otherRegistration: string;

  /** Registers an install with a fresh file from Azure, through the wizard's "From Azure…". */
  async function registerFromAzure(folder: string): Promise<void> {
    await config().update('installFolder', path.join(h.dir, folder), vscode.ConfigurationTarget.Global);
    const passphraseFile = path.join(h.dir, 'keep', `${folder}-passphrase.txt`);
    const input = new TestUserInput([ALTERNATIVE, ...pickSubscription, VAULT, true, KEEP, '', '', 'No proxy', 'Generate', 'Save to file', passphraseFile, true, 'Register This Server']);
    h.testing.useInput(input);
    try {
      await vscode.commands.executeCommand('backupAgent.setup');
      input.assertDone();
    } catch (err) {
      assert.fail(`${String(err)}; prompts: ${JSON.stringify(input.prompts.map((p) => [p.kind, p.title, p.text]))}; messages: ${JSON.stringify(input.messages)}`);
    } finally {
      h.testing.useInput(undefined);
    }
  }

  const vaultNode = async (): Promise<VaultNode> => {
    const roots = await h.testing.servers.refreshVaults();
    const node = roots.filter(isKind('vault')).find((v) => v.ref.vault === VAULT);
    assert.ok(node, JSON.stringify(roots));
    return node;
  };
  const vaultServers = async (): Promise<VaultServerNode[]> => {
    const children = await h.testing.servers.getChildren(await vaultNode());
    assert.ok(children.every(isKind('vaultServer')), JSON.stringify(children));
    return children.filter(isKind('vaultServer'));
  };

  before(async () => {
    h = await startHarness();
    ({ pickSubscription } = await signInToEmulator(h, { name: VAULT, subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-view', location: 'westeurope' }));
    // This suite's subscription as the one picked before (a suite before it may have left its own): the vault's view lists its vaults.
    recentBefore = h.testing.extensionGlobalState.get(RECENT_KEY);
    await h.testing.extensionGlobalState.update(RECENT_KEY, [SUBSCRIPTION]);
    // Another machine's agent registers with the vault through its own credentials file (the admin's list never hears of it)…
    const other = vaultClient(h.vault, (await issueTestCredentials(h.vault, VAULT)).client);
    try {
      otherRegistration = (await registerMachine(other, { serverName: OTHER })).registrationId;
    } finally {
      await other.close();
    }
    // …then this server, with a fresh file from Azure through the wizard.
    await registerFromAzure('install-this');
    await h.testing.thisServer.refresh();
    thisName = h.testing.thisServer.last?.status.config?.serverName ?? '';
    assert.ok(thisName && thisName !== OTHER, `this server's name: ${thisName}`);
  });
  after(async () => {
    await h?.testing.extensionGlobalState.update(RECENT_KEY, recentBefore);
    await signOutOfEmulator(h);
    await h?.close();
  });

  it('lists the vault with its resource group and region, and both registered servers as the vault reports them', async () => {
    const vault = await vaultNode();
    assert.deepEqual(vault.ref, { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-view', vault: VAULT });
    const vaultItem = await h.testing.servers.getTreeItem(vault);
    assert.equal(vaultItem.label, `Vault ${VAULT}`);
    assert.equal(vaultItem.description, 'resource group rg-view · westeurope');
    assert.equal(vaultItem.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, "this server's row names the vault: it opens");

    const servers = await vaultServers();
    assert.deepEqual(servers.map((s) => s.server.friendlyName).sort(), [OTHER, thisName].sort());
    const mine = servers.find((s) => s.server.friendlyName === thisName)!;
    assert.match(mine.listedAs ?? '', /^This server \(/);
    const item = await h.testing.servers.getTreeItem(mine);
    assert.equal(item.contextValue, 'vaultServer');
    // The emulator reports health and an item count; no backup has run yet.
    assert.match(String(item.description), /^Healthy · no backup yet · \d+ items?$/);
    assert.match(String(item.tooltip), /^Registration: Registered\n/);
    assert.match(String(item.tooltip), /On your Servers list as This server \(/);

    const other = servers.find((s) => s.server.friendlyName === OTHER)!;
    assert.equal(other.listedAs, undefined, 'not on the admin\'s list');
    assert.match(String((await h.testing.servers.getTreeItem(other)).tooltip), /Not on your Servers list: registered with the vault all the same\./);
  });

  it('"Remove from Vault…" says what it deletes, removes nothing for a wrong name, and removes the server once its name is typed', async () => {
    // Its agent backed two folders up, one of them twice: three recovery points, read from the vault when the command runs.
    for (const item of ['D:\\data', 'D:\\data', 'E:\\logs']) await h.vault.admin.recordBackup(otherRegistration, item);
    const other = (await vaultServers()).find((s) => s.server.friendlyName === OTHER);
    assert.ok(other);
    const wrong = await h.run('backupAgent.servers.removeFromVault', [true, `${OTHER}-x`, CANCEL], undefined, other);
    assert.match(wrong.prompts[0]?.text ?? '', new RegExp(`^Remove ${OTHER} from vault ${VAULT}\\?\\n.*its 3 recovery points in the vault \\(of 2 backed-up items; last backup [^)]*\\d[^)]*\\)\\. With soft delete on`));
    assert.deepEqual(wrong.validationMessages, [`Type ${OTHER} exactly, or press Escape to keep it.`]);
    assert.ok((await vaultServers()).some((s) => s.server.friendlyName === OTHER), 'a wrong name removes nothing');

    const messages: MessageRecord[] = [];
    await h.run('backupAgent.servers.removeFromVault', [true, OTHER], (m) => void messages.push(m), other);
    assert.ok(messages.some((m) => m.kind === 'info' && m.text === `Removed ${OTHER} from vault ${VAULT}.`), JSON.stringify(messages));
    assert.deepEqual((await vaultServers()).map((s) => s.server.friendlyName), [thisName], 'the vault lists only this server now');
  });

  it('"Change Properties…" changes the passphrase with a security PIN from the vault, none typed', async () => {
    const previous = h.testing.session.revealPassphrase()!.reveal();
    const input = await h.run('backupAgent.changeProperties', ['Encryption passphrase', 'Generate', 'Continue']);
    const what = input.prompts[0]!;
    assert.equal(what.descriptions?.[what.items!.indexOf('Encryption passphrase')], 'The security PIN comes from the vault (signed in)');
    assert.ok(!input.prompts.some((p) => /security PIN/.test(p.text ?? '')), JSON.stringify(input.prompts));
    assert.deepEqual(input.messages.map((m) => m.kind), ['info'], JSON.stringify(input.messages));
    const generated = h.testing.session.revealPassphrase()!.reveal();
    assert.notEqual(generated, previous, 'a new passphrase was generated');
    const { verifier } = JSON.parse(await fs.readFile(path.join(h.dir, 'install-this', 'config', 'agent.json'), 'utf8')).passphrase;
    assert.equal(await verifyPassphrase(verifier, generated), true, 'the configuration verifies the new passphrase');
    assert.equal(await verifyPassphrase(verifier, previous), false, 'and no longer the old one');
  });

  it('lists no vault once signed out, and the vault again once signed in', async () => {
    await h.run('backupAgent.signOutOfAzure', []);
    await waitUntil(() => !h.testing.servers.getChildren().some(isKind('vault')) || undefined, 'the vault rows gone');
    assert.deepEqual(await h.testing.servers.refreshVaults(), []);
    // Signing in again (the test provider makes a session without asking anything).
    assert.ok(await h.testing.azure.signIn.signIn(new TestUserInput([])));
    await waitUntil(() => h.testing.servers.getChildren().some(isKind('vault')) || undefined, 'the vault rows back once signed in');
  });
});

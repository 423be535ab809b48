// The setup from the command palette, by keyboard, against a real vault: every step is
// screenshotted into test-results/ (the README's quick start uses them), then the status bar.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, waitUntil } from '../support/extension';
import { startHarness, type Harness } from '../support/setupHarness';
import { statusPage } from '../support/statusPage';
import { ui } from '../support/uiBridge';

interface QiState { title: string; value: string; message: string; items: string[] }

describe('Set Up Backup Agent from the command palette', function () {
  this.timeout(180_000);
  let h: Harness;

  before(async () => {
    h = await startHarness();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await h?.close();
  });

  /** Types the answer (undefined: keep what it shows), screenshots the step, then accepts it. */
  async function step(name: string, expect: RegExp, text?: string): Promise<QiState> {
    const state = await ui<QiState>({ action: 'qiState' });
    assert.match(`${state.title} ${state.items.join(' ')}`, expect, JSON.stringify(state));
    if (text !== undefined) await ui({ action: 'qiType', text });
    await ui({ action: 'screenshot', name: `palette-${name}` });
    await ui({ action: 'qiAnswer' });
    return state;
  }

  it('walks a new user through every step by keyboard and registers the server', async () => {
    await ui({ action: 'runCommand', title: 'Backup Agent: Set Up Backup Agent…' });
    const first = await step('1-credentials', /Set Up Backup Agent \(step 1 of \d+\)/, h.credentialsFile);
    assert.match(first.message, /VaultCredentials file downloaded from the vault/, 'the prompt, no refusal');
    await step('2-install-folder', /step 2 of/);
    await step('3-cache-folder', /step 3 of/);
    await step('4-data-size', /step 4 of/, '1');
    await step('5-proxy', /No proxy/, 'No proxy');
    await step('6-passphrase', /Generate a passphrase/, 'Generate');
    await step('7-keep-passphrase', /Copy to clipboard/, 'Continue');
    const summary = await step('8-summary', /Register This Server/);
    assert.ok(summary.items.some((i) => i.includes(h.creds.identity.name)), JSON.stringify(summary.items));

    const { api } = await activateExtension();
    await waitUntil(() => api.statusBarItem.text.includes(h.creds.identity.name), 'the vault name in the status bar', 90_000);
    const { text } = await ui<{ text: string }>({ action: 'waitForText', selector: '.statusbar-item[id$="backupAgent.status"]', pattern: `Backup: ${h.creds.identity.name}` });
    assert.match(text, new RegExp(h.creds.identity.name));
    await ui({ action: 'screenshot', name: 'palette-9-registered' });
    assert.equal((await h.vault.admin.listRegistrations(h.creds.identity.name)).length, 1);
  });

  it('lists this server in the Servers view, with Show Status, Change Properties and Unregister but no Remove from List', async () => {
    await vscode.commands.executeCommand('backupAgent.servers.focus');
    const { text, items } = await ui<{ text: string; items: string[] }>({ action: 'rowContextMenu', label: 'This server (' });
    assert.match(text, /Registered · last checked/);
    for (const action of ['Show Status', 'Change Properties…', 'Unregister']) assert.ok(items.includes(action), `menu: ${JSON.stringify(items)}`);
    assert.equal(items.includes('Remove from List'), false, `menu: ${JSON.stringify(items)}`);
    await ui({ action: 'screenshot', name: 'palette-servers-this-server' });
  });

  it('"Show Registration Status" opens its page in the Markdown preview', async () => {
    await ui({ action: 'runCommand', title: 'Backup Agent: Show Registration Status' });
    await ui({ action: 'waitForText', selector: '.tabs-container', pattern: 'Registration status\\.md' });
    const registration = (await h.vault.admin.listRegistrations(h.creds.identity.name))[0]!.registrationId;
    await statusPage(/Registration status\.md/, registration);
    // What the user reads: the rendered page, with its lines.
    const { text } = await ui<{ text: string }>({ action: 'previewText', pattern: `Registration: ${registration}` });
    for (const line of ['Registration status: This server (', 'State: Registered', `Vault: ${h.creds.identity.name}`, `Install folder: ${h.installFolder}`, 'What the vault says: registered since', 'Last checked:']) {
      assert.ok(text.includes(line), `the page lacks "${line}":\n${text}`);
    }
    await ui({ action: 'screenshot', name: 'palette-status-page' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('titles the dialog that saves the passphrase, which proposes the file the step named', async () => {
    await ui({ action: 'runCommand', title: 'Backup Agent: Generate Encryption Passphrase…' });
    const keep = await ui<QiState>({ action: 'qiState' });
    assert.ok(keep.items.includes('Save to file…'), JSON.stringify(keep));
    await ui({ action: 'qiAnswer' }); // "Save to file…", the first item
    // code-server's save dialog is a Quick Input that fills in its path once it has read the folder.
    const dialog = await waitUntil(async () => {
      const state = await ui<QiState>({ action: 'qiState' });
      return state.value.endsWith('.txt') ? state : undefined;
    }, 'the save dialog to show the proposed file');
    assert.equal(dialog.title, 'Save the Encryption Passphrase');
    assert.match(dialog.value, /BackupPassphrase-.+\.txt$/);
    await ui({ action: 'screenshot', name: 'palette-save-passphrase-dialog' });
    await ui({ action: 'pressKey', key: 'Escape' }); // the dialog: nothing saved, back to the step
    await ui({ action: 'waitForText', selector: '.quick-input-widget', pattern: 'Copy to clipboard' });
    await ui({ action: 'pressKey', key: 'Escape' });
  });

  it('refuses an expired credentials file as its path is typed, with the core\'s message', async () => {
    const expired = await h.issueFile('expired.VaultCredentials', 0.0002);
    await new Promise((r) => setTimeout(r, 1500));
    await ui({ action: 'runCommand', title: 'Backup Agent: Select Vault Credentials File…' });
    const widget = await ui<QiState>({ action: 'qiState' });
    assert.match(widget.title, /Select Vault Credentials File/);
    await ui({ action: 'qiType', text: expired });
    // The widget validates each keystroke, so wait for the message of the whole path, not of a prefix
    // (a prefix such as "expired.VaultCrede" is a file that cannot be read).
    const { text } = await ui<{ text: string }>({ action: 'waitForText', selector: '.quick-input-widget', pattern: 'has expired' });
    assert.match(text, /The vault credentials file has expired; download a new one/);
    assert.doesNotMatch(text, /could not be read/);
    await ui({ action: 'screenshot', name: 'palette-expired-credentials' });
    await ui({ action: 'pressKey', key: 'Escape' });
  });
});

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, contributedCommands, waitUntil } from '../support/extension';

describe('Backup Agent Setup in a real extension host', () => {
  it('activates as a workspace extension and reports its activation time', async () => {
    const { ext, api } = await activateExtension();
    assert.equal(ext.isActive, true);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
    assert.ok(api.activationTimeMs > 0 && api.activationTimeMs < 5000, `activation took ${api.activationTimeMs} ms`);
    console.log(`    activation time: ${api.activationTimeMs.toFixed(2)} ms (VS Code ${vscode.version}, node ${process.version})`);
  });

  it('registers every contributed command, each in the "Backup Agent" category', async () => {
    const { ext } = await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = contributedCommands(ext);
    assert.ok(contributed.length >= 2);
    for (const c of contributed) {
      assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
      assert.equal(c.category, 'Backup Agent', `${c.command} has category ${c.category}`);
    }
  });

  it('shows the registration status-bar item with its id, name, text and command', async () => {
    const { api } = await activateExtension();
    const item = api.statusBarItem;
    assert.equal(item.id, 'backupAgent.status');
    assert.equal(item.name, 'Backup Agent Registration');
    assert.match(item.text, /not registered/);
    assert.equal(item.command, 'backupAgent.statusMenu');
    assert.equal(item.alignment, vscode.StatusBarAlignment.Left);
    assert.ok(item.accessibilityInformation?.label.includes('not registered'));
  });

  it('opens its log channel with "Show Log"', async () => {
    const { api } = await activateExtension();
    assert.equal(api.log.name, 'Backup Agent Setup');
    api.log.info('integration test marker');
    await vscode.commands.executeCommand('backupAgent.showLog');
    const doc = await waitUntil(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes('Backup Agent Setup')),
      'the log channel document',
    );
    await waitUntil(() => doc.getText().includes('integration test marker'), 'the marker in the log');
    assert.match(doc.getText(), /Activated in [\d.]+ ms/);
  });

  it('reads every configuration default declared in the manifest', async () => {
    const { ext } = await activateExtension();
    const properties = ext.packageJSON.contributes.configuration.properties as Record<string, { default: unknown; scope: string }>;
    const config = vscode.workspace.getConfiguration('backupAgent');
    assert.ok(Object.keys(properties).length >= 9);
    for (const [key, schema] of Object.entries(properties)) {
      const name = key.slice('backupAgent.'.length);
      assert.deepEqual(config.inspect(name)?.defaultValue, schema.default, key);
      assert.equal(schema.scope, 'machine', `${key} must be machine-scoped`);
    }
    assert.equal(config.get('proxy.mode'), 'off');
    assert.equal(config.get('statusBar.healthCheckIntervalSeconds'), 60);
  });
});

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, contributedCommands } from '../support/extension';

describe('the packaged .vsix, installed with --install-extension', () => {
  it('is installed (not a development copy) and activates', async () => {
    const { ext, api } = await activateExtension();
    assert.match(ext.extensionPath, /[/\\]extensions[/\\]backup-agent-setup\.backup-agent-setup-\d+\.\d+\.\d+$/);
    assert.equal(ext.isActive, true);
    assert.match(api.statusBarItem.text, /not registered/);
    console.log(`    installed at ${ext.extensionPath}; activation ${api.activationTimeMs.toFixed(2)} ms`);
  });

  it('registers its commands from the minified bundle', async () => {
    const { ext } = await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributedCommands(ext)) assert.ok(registered.has(c.command), c.command);
  });
});

// UI layer: the suite runs in the extension host and asks Playwright (through the runner's
// bridge) to act on the workbench as a user would.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, waitUntil } from '../support/extension';
import { ui } from '../support/uiBridge';

describe('Backup Agent Setup in the browser workbench', () => {
  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('shows "not registered" in the status bar', async () => {
    const { text, ariaLabel } = await ui<{ text: string; ariaLabel: string | null }>({ action: 'statusBarItem', id: 'backupAgent.status' });
    assert.match(text, /Backup: not registered/);
    assert.match(ariaLabel ?? '', /not registered/);
    await ui({ action: 'screenshot', name: 'foundation-status-bar' });
  });

  it('runs "Backup Agent: Show Log" from the command palette by its title', async () => {
    // The latest line is the one in view (earlier suites may have logged a whole setup).
    const { api } = await activateExtension();
    api.log.info('ui suite marker');
    await ui({ action: 'runCommand', title: 'Backup Agent: Show Log' });
    await waitUntil(
      () => vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'output' && d.uri.path.includes('Backup Agent Setup')),
      'the log channel to open',
    );
    // The output view renders the channel's lines: the marker just logged must be among them.
    const { text } = await ui<{ text: string }>({ action: 'waitForText', selector: '.part.panel', pattern: 'ui suite marker' });
    assert.match(text, /Backup Agent Setup/);
    await ui({ action: 'screenshot', name: 'foundation-show-log' });
  });

  it('opens the status menu when the status-bar item is clicked', async () => {
    await ui({ action: 'clickStatusBarItem', id: 'backupAgent.status' });
    const { items } = await ui<{ items: string[] }>({ action: 'quickPickItems' });
    assert.ok(items.some((i) => i.includes('Show Log')), `menu: ${JSON.stringify(items)}`);
    await ui({ action: 'screenshot', name: 'foundation-status-menu' });
    await ui({ action: 'pressKey', key: 'Escape' });
  });
});

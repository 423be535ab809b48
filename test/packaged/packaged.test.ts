// The .vsix as a user installs it: activation, the commands, and the features' lazily loaded
// chunks (the local vault service, SSH), each reached the way a user reaches it, from the
// installed extension's own folder.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, contributedCommands } from '../support/extension';
import { TestUserInput, type Answer, type MessageRecord } from '../support/testUserInput';

const settings = () => vscode.workspace.getConfiguration('backupAgent');

/** Runs a command of the installed extension with the test input port answering its prompts. */
async function run(command: string, answers: Answer[], onMessage?: (m: MessageRecord) => string | undefined): Promise<TestUserInput> {
  const { testing } = await (await activateExtension()).api.features();
  const input = new TestUserInput(answers, onMessage);
  testing.useInput(input);
  try {
    await vscode.commands.executeCommand(command);
  } finally {
    testing.useInput(undefined);
  }
  input.assertDone();
  return input;
}

/** A loopback port nobody listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

  it('"Start Local Vault" loads the vault service from its chunk and issues a credentials file the session uses', async () => {
    await settings().update('localVault.port', 0, vscode.ConfigurationTarget.Global);
    try {
      const input = await run('backupAgent.startLocalVault', [], (m) => m.actions.find((a) => a.startsWith('Use')));
      assert.match(input.messages[0]?.text ?? '', /Local vault local-vault runs at https:\/\/127\.0\.0\.1:\d+/, JSON.stringify(input.messages));
      const { testing } = await (await activateExtension()).api.features();
      const credentials = testing.session.snapshot().credentials;
      assert.ok(credentials?.ok, JSON.stringify(credentials));
      assert.equal(credentials.value.vaultName, 'local-vault');
      await run('backupAgent.stopLocalVault', []);
      assert.equal(testing.localVault.isRunning, false);
    } finally {
      await settings().update('localVault.port', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('"Register a Remote Server…" loads SSH from its chunk and says why a server cannot be reached', async () => {
    // No ssh config hosts: the command asks for user@host:port.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'packaged-ssh-'));
    await fs.writeFile(path.join(dir, 'config'), '');
    await settings().update('ssh.configFile', path.join(dir, 'config'), vscode.ConfigurationTarget.Global);
    try {
      const port = await closedPort();
      const input = await run('backupAgent.registerRemote', [`tester@127.0.0.1:${port}`]);
      const errors = input.messages.filter((m) => m.kind === 'error').map((m) => m.text);
      assert.equal(errors.length, 1, JSON.stringify(input.messages));
      assert.match(errors[0]!, new RegExp(`127\\.0\\.0\\.1.*${port}.*the connection was refused`, 's'));
    } finally {
      await settings().update('ssh.configFile', undefined, vscode.ConfigurationTarget.Global);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

// One truth on every surface, in the real host over a real vault: a registration made or ended
// by the CLI on this machine, the palette or the Servers view shows on the status bar, in the
// session's status and in the Servers view without a reload; the Servers view lists this server
// and its actions work on it; "Show Registration Status" opens a page with every line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerRecord } from '../../src/vscode/features/servers/store';
import { THIS_SERVER_ID } from '../../src/vscode/features/servers/view';
import { activateExtension, waitUntil } from '../support/extension';
import { startHarness, type Harness } from '../support/setupHarness';
import { statusPage } from '../support/statusPage';
import { KEEP } from '../support/testUserInput';

const CLI_PASSPHRASE = 'a passphrase typed for the CLI 4711';

interface Run { code: number | null; output: string }

describe('One truth on every surface', function () {
  this.timeout(180_000);
  let h: Harness;
  let caFile: string;

  before(async () => {
    h = await startHarness();
    caFile = path.join(h.dir, 'cli-vault-ca.pem');
    await fs.writeFile(caFile, h.vault.caCertPem);
  });
  after(async () => {
    await h?.close();
  });

  const statusBar = async () => (await activateExtension()).api.statusBarItem;
  const thisServer = (): ServerRecord | undefined => h.testing.servers.records().find((r) => r.id === THIS_SERVER_ID);
  const config = async () => JSON.parse(await fs.readFile(path.join(h.installFolder, 'config', 'agent.json'), 'utf8'));

  /** `npm run cli -- …` in the checkout, as an admin on this machine runs it. */
  async function cli(...args: string[]): Promise<Run> {
    const { ext } = await activateExtension();
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), BACKUP_VAULT_CA: caFile, BACKUP_PASSPHRASE: CLI_PASSPHRASE };
    const child = spawn('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: ext.extensionPath, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, output };
  }

  it('reads "not registered" with the credentials countdown after it, and lists this server, not registered', async () => {
    await h.run('backupAgent.selectCredentials', [h.credentialsFile]);
    const item = await statusBar();
    assert.match(item.text, /^\$\(key\) Backup: not registered · credentials expire in \d+h \d+m$/);
    assert.ok(item.accessibilityInformation?.label.startsWith('Backup: not registered'), item.accessibilityInformation?.label);
    const row = await waitUntil(thisServer, "this server's row");
    assert.equal(row.state, 'notRegistered');
    assert.equal(row.installFolder, h.installFolder);
    const tree = h.testing.servers.getTreeItem(row);
    assert.equal(tree.contextValue, 'thisServer', 'its menu has no "Remove from List"');
    assert.match(String(tree.label), /^This server \(.+\)$/);
    assert.match(String(tree.description), /^Not registered · last checked /);
  });

  it('a registration by the CLI on this machine shows on the status bar, in the session and in the Servers view without a reload', async () => {
    const passphraseFile = path.join(h.dir, 'keep', 'cli-passphrase.txt');
    const run = await cli('register', '--credentials', h.credentialsFile, '--install-folder', h.installFolder, '--data-size', '1000000', '--passphrase-file', passphraseFile, '--accept-passphrase-location');
    assert.equal(run.code, 0, run.output);
    const vault = h.creds.identity.name;
    const item = await statusBar();
    await waitUntil(() => item.text.includes(`Backup: ${vault}`), 'the vault name on the status bar', 15_000);
    const { registration } = await config();
    assert.equal(h.testing.session.snapshot().status?.state.kind, 'registered', "the session's status");
    const row = await waitUntil(() => (thisServer()?.state === 'registered' ? thisServer() : undefined), "this server's row, registered");
    assert.equal(row.registrationId, registration.id);
    assert.equal(row.vault, vault);
  });

  it('"Show Registration Status" opens a page with every line, and the Servers view\'s Show Status opens it for this server', async () => {
    const { registration, machineId, cacheFolder } = await config();
    const input = await h.run('backupAgent.showStatus', []);
    assert.deepEqual(input.messages, [], 'no notification: the page shows it');
    const page = await statusPage(/Registration status\.md/, registration.id);
    for (const line of ['This server (', 'Name at the vault', `State:** Registered`, h.creds.identity.name, h.installFolder, cacheFolder, machineId, 'What the vault says:** registered since', 'Last checked']) {
      assert.ok(page.includes(line), `the page lacks "${line}":\n${page}`);
    }
    // Shown again from the Servers view's row: the same page, read again.
    const lastChecked = (text: string) => /Last checked:\*\* (.*)/.exec(text)?.[1];
    assert.ok(lastChecked(page), page);
    await new Promise((r) => setTimeout(r, 1100));
    await h.run('backupAgent.servers.showStatus', [], undefined, thisServer());
    await waitUntil(async () => lastChecked(await statusPage(/Registration status\.md/, registration.id)) !== lastChecked(page), 'the page read again');
  });

  it('"Unregister" from the Servers view works on this server, and every surface follows at once', async () => {
    await h.run('backupAgent.servers.unregister', [true], undefined, thisServer());
    assert.equal((await config()).registration, null);
    // No waiting: the command's own reading is what every surface shows.
    assert.match((await statusBar()).text, /Backup: not registered/);
    assert.equal(h.testing.session.snapshot().status?.state.kind, 'notSetUp');
    assert.equal(thisServer()?.state, 'notRegistered');
    const atVault = await h.vault.admin.listRegistrations(h.creds.identity.name);
    assert.ok(atVault.length > 0 && atVault.every((r: { status: string }) => r.status === 'unregistered'), JSON.stringify(atVault));
  });

  it('a palette registration shows at once, "Change Properties…" from the Servers view works on this server, and an unregistration by the CLI follows without a reload', async () => {
    const passphraseFile = path.join(h.dir, 'keep', 'palette-passphrase.txt');
    await h.run('backupAgent.setup', [h.credentialsFile, KEEP, '', '', 'No proxy', 'Generate', 'Save to file', passphraseFile, true, 'Register This Server']);
    const vault = h.creds.identity.name;
    assert.match((await statusBar()).text, new RegExp(`Backup: ${vault}$`));
    assert.equal(thisServer()?.state, 'registered');
    assert.equal(thisServer()?.registrationId, (await config()).registration.id);

    const cacheFolder = path.join(h.dir, 'moved-cache');
    const changed = await h.run('backupAgent.servers.changeProperties', ['Cache folder', cacheFolder, ''], undefined, thisServer());
    assert.deepEqual(changed.messages.map((m) => m.text), ['Changed: cacheFolder.']);
    assert.equal((await config()).cacheFolder, cacheFolder);

    const run = await cli('unregister', '--install-folder', h.installFolder);
    assert.equal(run.code, 0, run.output);
    const item = await statusBar();
    await waitUntil(() => /Backup: not registered/.test(item.text), '"not registered" on the status bar', 15_000);
    await waitUntil(() => thisServer()?.state === 'notRegistered', "this server's row, not registered");
    assert.equal(h.testing.session.snapshot().status?.state.kind, 'notSetUp');
  });

  it('"Remove from List" leaves this server listed', async () => {
    await h.run('backupAgent.servers.remove', [], undefined, thisServer());
    assert.ok(thisServer(), 'this server is still listed');
  });
});

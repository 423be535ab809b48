// The single-step commands with a scripted user, in the real host over a real vault: what each
// writes (user settings only, the proxy password only in SecretStorage, the passphrase file
// 0600) and what it shows.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { createHandlers } from '../../src/vscode/features/setupPage/handlers';
import { WALKTHROUGH_KEYS } from '../../src/vscode/features/walkthroughContext';
import { activateExtension } from '../support/extension';
import { startHarness, type Harness } from '../support/setupHarness';
import { statusPage } from '../support/statusPage';
import { BACK, CANCEL, KEEP } from '../support/testUserInput';

const config = () => vscode.workspace.getConfiguration('backupAgent');

describe('Single-step commands over a real vault', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    for (const key of ['proxy.host', 'proxy.port', 'proxy.user']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await h?.close();
  });

  it('"Configure Proxy…" writes user settings and keeps the password out of them', async () => {
    const password = 'proxy-secret-Zq81';
    await h.run('backupAgent.configureProxy', ['Specify a proxy', 'proxy.example.test', 'not a port', '8080', 'svc-backup', password]);
    const inspect = (key: string) => config().inspect(key);
    assert.equal(inspect('proxy.mode')?.globalValue, 'settings');
    assert.equal(inspect('proxy.host')?.globalValue, 'proxy.example.test');
    assert.equal(inspect('proxy.port')?.globalValue, 8080);
    assert.equal(inspect('proxy.user')?.globalValue, 'svc-backup');
    for (const key of ['proxy.mode', 'proxy.host']) assert.equal(inspect(key)?.workspaceValue, undefined, `${key} in workspace settings`);
    assert.equal(h.testing.session.snapshot().proxy.hasPassword, true);
    assert.equal(JSON.stringify(config()).includes(password), false, 'the password is not a setting');
    const stored = async () => (await h.testing.session.proxy()).password?.reveal();
    // The setup page sends no password when its box is left empty ("leave empty to keep it").
    const page = createHandlers(h.testing.session);
    const signal = new AbortController().signal;
    await page['proxy/set']({ mode: 'settings', host: 'proxy.example.test', port: 8081, user: 'svc-backup', noProxy: [] }, signal);
    assert.equal(inspect('proxy.port')?.globalValue, 8081);
    assert.ok((await stored()) === password, 'the setup page kept the stored password');
    // So does the palette's empty password box, which says so.
    const kept = await h.run('backupAgent.configureProxy', ['Specify a proxy', KEEP, KEEP, KEEP, '']);
    assert.match(kept.prompts.at(-1)?.text ?? '', /leave empty to keep/);
    assert.ok((await stored()) === password, 'the palette kept the stored password');
    // Another user's proxy does not inherit it.
    await page['proxy/set']({ mode: 'settings', host: 'proxy.example.test', port: 8081, user: 'someone-else', noProxy: [] }, signal);
    assert.equal(h.testing.session.snapshot().proxy.hasPassword, false);
    assert.equal(await stored(), undefined);
    // Back to a direct connection for the other tests: the password is dropped with it.
    await h.run('backupAgent.configureProxy', ['No proxy']);
    assert.equal(config().get('proxy.mode'), 'off');
    assert.equal(h.testing.session.snapshot().proxy.hasPassword, false);
  });

  it('"Test Connectivity" reports every stage against the selected vault', async () => {
    await h.run('backupAgent.selectCredentials', [h.credentialsFile]);
    const input = await h.run('backupAgent.testConnectivity', []);
    assert.equal(input.messages.length, 1, JSON.stringify(input.messages));
    assert.equal(input.messages[0]!.kind, 'info');
    for (const stage of ['dns', 'tcp', 'tls', 'health']) assert.match(input.messages[0]!.text, new RegExp(`${stage} ok`));
  });

  it('"Set Cache Folder…" checks the folder and keeps it in the user settings', async () => {
    const folder = path.join(h.dir, 'cache');
    const input = await h.run('backupAgent.setCacheFolder', [folder, 'lots', '0.5']);
    assert.equal(input.validationMessages.length, 1, 'a size that is not a number is refused');
    assert.equal(config().inspect('cacheFolder')?.globalValue, folder);
    assert.ok(existsSync(folder));
    assert.equal(h.testing.session.snapshot().cacheCheck?.ok, true);
  });

  it('"Enter Encryption Passphrase…" refuses a short one, asks twice, and Back forgets it', async () => {
    const input = await h.run('backupAgent.enterPassphrase', ['too short', 'a long enough passphrase 9', BACK, 'a long enough passphrase 9', 'a different one entirely', 'a long enough passphrase 9', 'Continue']);
    assert.equal(input.validationMessages.length, 2, JSON.stringify(input.validationMessages));
    assert.match(input.validationMessages[0]!, /16/);
    assert.match(input.validationMessages[1]!, /do not match/);
    assert.equal(h.testing.session.snapshot().passphrase.origin, 'typed');
  });

  it('"Generate Encryption Passphrase…" saves it 0600 only after the location is confirmed', async () => {
    const file = path.join(h.dir, 'passphrase.txt');
    const refused = await h.run('backupAgent.generatePassphrase', ['Save to file', file, false, CANCEL]);
    assert.ok(refused.prompts.some((p) => p.kind === 'confirm' && /server being protected/.test(p.text ?? '')));
    assert.equal(existsSync(file), false, 'nothing saved without the confirmation');
    await h.run('backupAgent.generatePassphrase', ['Save to file', file, true]);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(text.includes(h.testing.session.revealPassphrase()!.reveal()));
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.equal(h.testing.session.snapshot().passphrase.savedTo, file);
  });

  it('"Download and Install Agent" installs the vault\'s agent into the install folder', async () => {
    const input = await h.run('backupAgent.installAgent', []);
    assert.match(input.messages.at(-1)?.text ?? '', /Backup agent [\d.]+ is installed/);
    assert.ok(existsSync(path.join(h.installFolder, 'agent')));
  });

  it('"Show Registration Status" opens a page saying the server is not registered yet', async () => {
    const input = await h.run('backupAgent.showStatus', []);
    assert.deepEqual(input.messages, [], 'no notification: the page shows it');
    const page = await statusPage(/Registration status\.md/, h.installFolder);
    assert.match(page, /State:\*\* Not registered/);
    assert.match(page, /What the vault says:\*\* not asked: no registration is recorded/);
  });
});

describe('The native walkthrough', () => {
  it('has the five setup steps, each with a verb-led command button, markdown media and an onContext completion', async () => {
    const { ext } = await activateExtension();
    const [walkthrough] = ext.packageJSON.contributes.walkthroughs as Array<{ steps: Array<{ id: string; description: string; media: { markdown: string }; completionEvents: string[] }> }>;
    assert.deepEqual(walkthrough!.steps.map((s) => s.id), ['credentials', 'folders', 'proxy', 'passphrase', 'register']);
    const nls = JSON.parse(await fs.readFile(path.join(ext.extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough!.steps) {
      // The host may hand the manifest over with its %keys% already replaced.
      const description = step.description.startsWith('%') ? nls[step.description.slice(1, -1)]! : step.description;
      const links = [...description.matchAll(/\n\[([^\]]+)\]\(command:([\w.]+)\)/g)];
      assert.ok(links.length > 0, `${step.id} has no button`);
      for (const [, label, command] of links) {
        assert.match(label!, /^[A-Z][a-z]+ /, `${step.id}: "${label}" does not start with a verb`);
        assert.ok(commands.has(command!), `${step.id}: ${command} is not a command`);
      }
      assert.ok(existsSync(path.join(ext.extensionPath, step.media.markdown)), step.media.markdown);
      const key = /^onContext:(.+)$/.exec(step.completionEvents[0]!)?.[1];
      assert.ok(key && Object.values(WALKTHROUGH_KEYS).includes(key as never), `${step.id}: ${step.completionEvents[0]} is not a key the extension sets`);
    }
  });
});

// The setup page and the other surfaces share one truth, the session's: a registration made from
// the command palette or with the CLI on this machine shows on the page (open already, or opened
// afterwards) with the folders and the proxy it uses, and after an unregister, wherever it was
// made, no card of the page is titled "Registered". And the page's own rough edges, each against
// what the palette does: Apply with an empty cache field, the warning before registering with a
// passphrase that was only copied, and a new passphrase offered a new file. English host.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { readPassphraseFile } from '../../src/core/passphrase/file';
import { generatePassphrase } from '../../src/core/passphrase/generate';
import { STRINGS, type StringKey } from '../../src/webview/strings';
import { activateExtension, waitUntil } from '../support/extension';
import { escapeRe, pagePattern } from '../support/pagePattern';
import { startHarness, type Harness } from '../support/setupHarness';
import { CANCEL, KEEP } from '../support/testUserInput';
import { ui } from '../support/uiBridge';

const settings = () => vscode.workspace.getConfiguration('backupAgent');
/** Left by this suite besides the harness's own settings. */
const PROXY_SETTINGS = ['proxy.host', 'proxy.port', 'proxy.noProxy'];
const re = (key: StringKey, ...args: string[]) => pagePattern(STRINGS[key], ...args);
const text = async (selector: string) => (await ui<{ text: string; visible: boolean }>({ action: 'wtText', selector }));
const badge = async (step: string) => (await text(`#${step}-state`)).text;
const value = async (selector: string) => (await ui<{ value: string }>({ action: 'wtValue', selector })).value;
const attr = async (selector: string, name: string) => (await ui<{ value: string | null }>({ action: 'wtAttr', selector, name })).value;

interface QiState { title: string; value: string; message: string; items: string[] }

describe('Setup page: one truth with the palette and the CLI', function () {
  this.timeout(300_000);
  let h: Harness;
  let vaultName: string;
  /** Files this suite saves in the home folder, where the page proposes them. */
  const inHome: string[] = [];

  async function openPage(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const started = Date.now();
    await ui({ action: 'runCommand', title: 'Backup Agent: Open Setup Page' });
    await ui({ action: 'wtReady', after: started - 1 });
  }

  /** Steps 2 and 3 show what the registration uses; Change Properties is the main action. */
  async function showsRegistration(installFolder: string, cacheFolder: string, proxy: RegExp): Promise<void> {
    await ui({ action: 'wtWaitText', selector: '#finish-heading', pattern: `^${escapeRe(STRINGS.finishTitle)}$` });
    const folders = await text('#folders-in-use');
    assert.equal(folders.visible, true);
    assert.match(folders.text, new RegExp(`${escapeRe(STRINGS.installFolder)}\\s+${escapeRe(installFolder)}`));
    assert.match(folders.text, new RegExp(`${escapeRe(STRINGS.cacheFolder)}\\s+${escapeRe(cacheFolder)}`));
    assert.equal((await text('#install-folder')).visible, false, 'the registration’s folders are shown, not edited');
    assert.match((await text('#proxy-in-use')).text, proxy);
    for (const step of ['step-folders', 'step-proxy', 'step-register']) assert.equal(await badge(step), STRINGS.stateDone, step);
    assert.equal((await text('#change-properties.primary')).visible, true);
    // Registering again stays possible, but it is not the main action any more.
    assert.equal((await text('#register-start:not(.primary)')).text, STRINGS.registerAgain);
  }

  /** No card is titled "Registered"; the page offers registering as its step 5 does. */
  async function showsNotRegistered(): Promise<void> {
    await ui({ action: 'wtWaitText', selector: '#finish-heading', pattern: `^${escapeRe(STRINGS.finishTitleNotRegistered)}$` });
    const { texts } = await ui<{ texts: string[] }>({ action: 'wtTexts', selector: 'h2' });
    assert.ok(texts.length >= 6, JSON.stringify(texts));
    assert.ok(!texts.some((t) => t.trim() === STRINGS.finishTitle), `a card is titled "Registered": ${JSON.stringify(texts)}`);
    assert.equal((await text('#finish-summary')).text, STRINGS.finishNotRegistered);
    assert.equal((await text('#register-start.primary')).text, STRINGS.registerStart);
    assert.equal((await text('#folders-in-use')).visible, false);
    assert.equal((await text('#install-folder')).visible, true);
    assert.equal(await badge('step-register'), STRINGS.stateTodo);
  }

  /** The save dialog (code-server's simple file dialog) once it shows `file`, which it fills in after reading the folder. */
  async function saveDialogShowing(file: string): Promise<QiState> {
    let last: QiState | undefined;
    try {
      return await waitUntil(async () => {
        last = await ui<QiState>({ action: 'qiState' });
        return last.value === file ? last : undefined;
      }, `the save dialog to propose ${file}`, 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}; it shows ${JSON.stringify(last)}`);
    }
  }

  /** The installed CLI on this machine: package.json's `bin` entry, started through its `#!/usr/bin/env node` line. */
  async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
    const { ext } = await activateExtension();
    const bin = (ext.packageJSON as { bin: Record<string, string> }).bin['backup-agent-setup']!;
    const child = spawn(path.join(ext.extensionPath, bin), [...args, '--json'], {
      cwd: ext.extensionPath,
      env: {
        PATH: [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
        HOME: os.homedir(),
        XDG_CACHE_HOME: path.join(h.dir, 'cli-cache'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, out };
  }

  before(async () => {
    h = await startHarness();
    vaultName = h.creds.identity.name;
    // A new user's session: what earlier suites chose in this window is forgotten.
    await h.testing.session.reset();
    await h.testing.status.check();
    await openPage();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of PROXY_SETTINGS) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
    for (const file of inHome) await fs.rm(file, { force: true });
    await h?.close();
  });

  it('Apply with an empty cache field checks the core’s default cache folder and names it, as the palette’s summary does', async () => {
    await ui({ action: 'wtType', selector: '#cache-folder', value: '' });
    await ui({ action: 'wtClick', selector: '#cache-apply' });
    const { text: shown } = await ui<{ text: string }>({ action: 'wtWaitText', selector: '#cache-result', pattern: re('cacheDefaultUsed', '(.+)') });
    const folder = new RegExp(re('cacheDefaultUsed', '(.+)')).exec(shown)![1]!;
    assert.equal(folder, path.join(h.installFolder, 'scratch'));
    assert.equal((await fs.stat(folder)).isDirectory(), true, 'the folder was checked (and created) there');
    assert.equal(settings().get('cacheFolder'), '', 'the setting stays empty: the default follows the install folder');
    assert.equal(await badge('step-folders'), STRINGS.stateDone);

    // The palette, asked for the same with an empty cache folder, plans that very folder.
    const input = await h.run('backupAgent.setup', [h.credentialsFile, KEEP, '', '', 'No proxy', 'Generate', 'Continue', CANCEL]);
    const summary = input.prompts.at(-1)!.items ?? [];
    assert.ok(summary.includes(`Cache folder: ${folder}`), JSON.stringify(summary));
  });

  it('warns before registering with a passphrase that was only copied, in the words of the palette’s summary', async () => {
    await ui({ action: 'wtType', selector: '#credentials-file', value: h.credentialsFile });
    await ui({ action: 'pressKey', key: 'Enter' });
    await ui({ action: 'wtWaitText', selector: '#credentials-result', pattern: re('credentialsVault', escapeRe(vaultName), '.+', '.+') });
    await ui({ action: 'wtClick', selector: '#passphrase-generate' });
    await ui({ action: 'wtWaitText', selector: '#passphrase-summary', pattern: re('passphraseSet', escapeRe(STRINGS.passphraseGenerated), '\\d+') });
    await ui({ action: 'wtClick', selector: '#passphrase-copy' });
    await waitUntil(async () => (await vscode.env.clipboard.readText()).length >= 16 || undefined, 'the passphrase on the clipboard');
    await vscode.env.clipboard.writeText('');

    await ui({ action: 'wtClick', selector: '#register-start' });
    const { text: warning } = await ui<{ text: string }>({ action: 'wtWaitText', selector: '#register-warnings [data-code="PassphraseNotSaved"]', pattern: '.+' });
    assert.equal(await attr('#register-confirm', 'role'), 'alertdialog');
    // Escape (the focus is on "Register Anyway") closes it; nothing was registered.
    await ui({ action: 'pressKey', key: 'Escape' });
    await waitUntil(async () => !(await text('#register-confirm')).visible || undefined, 'the warning to close');
    assert.deepEqual(await h.vault.admin.listRegistrations(vaultName), []);
    assert.equal(await badge('step-register'), STRINGS.stateTodo);

    // The palette's summary for the same session lists the same warning, word for word.
    const input = await h.run('backupAgent.setup', [h.credentialsFile, KEEP, '', '', 'No proxy', 'Use the passphrase chosen before', 'Continue', CANCEL]);
    assert.ok(input.prompts.at(-1)!.items?.includes(warning), JSON.stringify(input.prompts.at(-1)!.items));
  });

  it('after a new Generate, "Save" proposes a new file, never the previous passphrase’s, which is never overwritten', async () => {
    const first = path.join(os.homedir(), `BackupPassphrase-${vaultName.replace(/[^\w.-]+/g, '_')}.txt`);
    inHome.push(first);
    assert.equal(await attr('#passphrase-file', 'placeholder'), first);
    await ui({ action: 'wtClick', selector: '#passphrase-reveal' });
    const earlier = (await ui<{ text: string }>({ action: 'wtWaitText', selector: '#passphrase-value', pattern: '.{16,}' })).text;
    await ui({ action: 'wtClick', selector: '#passphrase-reveal' });

    // The box left empty, Save opens the save dialog, titled, on the proposed file.
    await ui({ action: 'wtClick', selector: '#passphrase-save' });
    const dialog = await saveDialogShowing(first);
    assert.match(dialog.title, /Save the Encryption Passphrase/);
    await ui({ action: 'quickInputPath', value: first });
    await ui({ action: 'wtClick', selector: '#passphrase-save-here' }); // it is on the server it protects
    await ui({ action: 'wtWaitText', selector: '#passphrase-summary', pattern: re('passphraseSavedTo', escapeRe(first)) });
    assert.equal((await readPassphraseFile(first)).passphrase, earlier);

    await ui({ action: 'wtClick', selector: '#passphrase-generate' });
    const second = path.join(os.homedir(), `BackupPassphrase-${vaultName.replace(/[^\w.-]+/g, '_')}-2.txt`);
    inHome.push(second);
    await waitUntil(async () => (await attr('#passphrase-file', 'placeholder')) === second || undefined, 'a new file to be proposed');
    assert.equal(await value('#passphrase-file'), '', 'the previous file is not offered');
    await ui({ action: 'wtClick', selector: '#passphrase-save' });
    await saveDialogShowing(second);
    await ui({ action: 'pressKey', key: 'Escape' });

    // Named by hand, the previous passphrase's file is refused, and keeps that passphrase.
    await ui({ action: 'wtType', selector: '#passphrase-file', value: first });
    await ui({ action: 'wtClick', selector: '#passphrase-save' });
    await ui({ action: 'wtClick', selector: '#passphrase-save-here' });
    await ui({ action: 'wtWaitText', selector: '#passphrase-result', pattern: '\\(PassphraseFileExists\\)' });
    assert.equal((await readPassphraseFile(first)).passphrase, earlier);

    // The palette's "Save to file…" offers the same new file.
    const input = await h.run('backupAgent.enterPassphrase', ['a passphrase typed in the palette 1', 'a passphrase typed in the palette 1', 'Save to file', CANCEL]);
    const offered = input.prompts.find((p) => p.kind === 'saveFile');
    assert.equal(offered?.value, second);
    await assert.rejects(fs.stat(second), 'nothing was saved there');
  });

  it('a registration made from the palette shows on the open page, and on the page opened afterwards', async () => {
    const cache = path.join(h.dir, 'palette-cache');
    // The vault is on loopback: the proxy is recorded for the agent, and bypassed for it.
    await settings().update('proxy.noProxy', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
    const input = await h.run('backupAgent.setup', [
      h.credentialsFile, KEEP, cache, '1', 'Specify a proxy', 'proxy.invalid', '3128', '',
      'Generate', 'Save to file', path.join(h.dir, 'palette-passphrase.txt'), true, 'Register This Server',
    ]);
    assert.equal(input.messages.filter((m) => m.kind === 'error').length, 0, JSON.stringify(input.messages));
    const proxy = new RegExp(`${escapeRe(STRINGS.proxyMode)}\\s+${re('proxyInUseExplicit', 'proxy\\.invalid:3128')}[\\s\\S]*${escapeRe(STRINGS.proxyInUseBypass)}\\s+127\\.0\\.0\\.1`);
    await showsRegistration(h.installFolder, cache, proxy);
    await openPage();
    await showsRegistration(h.installFolder, cache, proxy);
  });

  it('an unregister from the palette leaves no card titled "Registered"', async () => {
    await h.run('backupAgent.unregister', [true]);
    await showsNotRegistered();
  });

  it('a registration and an unregister made with the CLI on this machine show on the open page without a reload', async () => {
    const cache = path.join(h.dir, 'cli-cache-folder');
    const registered = await cli(
      ['register', '--credentials', h.credentialsFile, '--install-folder', h.installFolder, '--cache-folder', cache, '--data-size', '1000000',
        '--passphrase-file', path.join(h.dir, 'cli-passphrase.txt'), '--accept-passphrase-location', '--proxy-mode', 'off', '--ca', path.join(h.dir, 'vault-ca.pem')],
      { BACKUP_PASSPHRASE: generatePassphrase() },
    );
    assert.equal(registered.code, 0, registered.out);
    await showsRegistration(h.installFolder, cache, new RegExp(`${escapeRe(STRINGS.proxyMode)}\\s+${escapeRe(STRINGS.proxyModeOff)}`));
    assert.equal((await h.vault.admin.listRegistrations(vaultName)).filter((r) => r.status === 'registered').length, 1);

    const unregistered = await cli(['unregister', '--install-folder', h.installFolder]);
    assert.equal(unregistered.code, 0, unregistered.out);
    await showsNotRegistered();
  });
});

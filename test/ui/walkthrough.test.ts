// The walkthrough webview as a new user meets it: opened from the command palette, every step
// clicked and typed in the page, registered against a real local vault started here (credentials
// issued by this test, its CA trusted through backupAgent.vault.caFile), the status bar updated.
// Then: hide/restore, themes, a message fuzz on both sides, the leak check and the time to ready.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { REGISTER_STAGES } from '../../src/core/service/types';
import { activateExtension, waitUntil } from '../support/extension';
import { ui } from '../support/uiBridge';
import { createVaultWithCredentials, startTestVault, type TestVault } from '../support/vault';

const STEPS = ['step-credentials', 'step-folders', 'step-proxy', 'step-passphrase', 'step-register', 'finish'];
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', hc: 'Default High Contrast' };

const userDataDir = () => {
  const dir = process.env.BAS_USER_DATA_DIR;
  if (!dir) throw new Error('BAS_USER_DATA_DIR is not set: run this suite through scripts/test.mjs ui');
  return dir;
};

/** The agent package the vault serves, built by the project's own script with this host's Node. */
async function buildAgentPackage(root: string, outDir: string): Promise<void> {
  const script = pathToFileURL(path.join(root, 'scripts', 'build-agent.mjs')).href;
  const code = 'const { buildAgent } = await import(process.argv[1]); await buildAgent({ outDir: process.argv[2] });';
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code, script, outDir], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function logText(): Promise<string> {
  await vscode.commands.executeCommand('backupAgent.showLog');
  const doc = await waitUntil(
    () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes('Backup Agent Setup')),
    'the log channel document',
  );
  return doc.getText();
}

const settings = () => vscode.workspace.getConfiguration('backupAgent');
const badge = async (step: string) => (await ui<{ text: string }>({ action: 'wtText', selector: `#${step}-state` })).text;

describe('Walkthrough webview: a new user registers this server (English)', function () {
  this.timeout(300000);
  let vault: TestVault;
  let tmp: string;
  let vaultName: string;
  let credentialsFile: string;
  let passphrase = '';

  before(async () => {
    const { ext } = await activateExtension();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'walkthrough-ui-'));
    await buildAgentPackage(ext.extensionPath, path.join(tmp, 'agent'));
    vault = await startTestVault({ agentDir: path.join(tmp, 'agent') });
    const issued = await createVaultWithCredentials(vault);
    vaultName = issued.identity.name;
    credentialsFile = path.join(tmp, issued.file.fileName);
    await fs.writeFile(credentialsFile, issued.file.xml);
    const caFile = path.join(tmp, 'vault-ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
    await settings().update('vault.caFile', caFile, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    for (const key of ['vault.caFile', 'installFolder', 'cacheFolder']) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vault?.close();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('opens from the command palette and renders the first snapshot after the ready handshake', async () => {
    await ui({ action: 'runCommand', title: 'Backup Agent: Open Walkthrough' });
    const { lang } = await ui<{ lang: string }>({ action: 'wtReady' });
    assert.equal(lang, vscode.env.language);
    assert.equal((await ui<{ text: string }>({ action: 'wtText', selector: 'h1' })).text, 'Backup Agent Setup');
    for (const step of STEPS.slice(0, 5)) assert.equal(await badge(step), 'To do', step);
  });

  it('labels every step and field, has live regions, a reduced-motion class and a sensible tab order', async () => {
    const a11y = await ui<{ sections: Array<{ id: string; labelled: boolean }>; unlabelledInputs: string[]; liveRegions: number; reducedMotionClass: boolean; prefersReducedMotion: boolean }>({ action: 'wtA11y' });
    assert.deepEqual(a11y.sections.map((s) => s.id), STEPS);
    assert.ok(a11y.sections.every((s) => s.labelled), JSON.stringify(a11y.sections));
    assert.deepEqual(a11y.unlabelledInputs, []);
    assert.ok(a11y.liveRegions >= 6, `live regions: ${a11y.liveRegions}`);
    assert.equal(a11y.reducedMotionClass, a11y.prefersReducedMotion);
    const { ids } = await ui<{ ids: string[] }>({ action: 'wtTabOrder', from: '#credentials-file', count: 4 });
    assert.deepEqual(ids, ['credentials-use', 'credentials-browse', 'install-folder', 'install-apply']);
  });

  it('step 1: takes the credentials file typed into the page and shows what the core read from it', async () => {
    await ui({ action: 'wtType', selector: '#credentials-file', value: path.join(tmp, 'missing.VaultCredentials') });
    await ui({ action: 'wtClick', selector: '#credentials-use' });
    await ui({ action: 'wtWaitText', selector: '#credentials-result', pattern: '\\(\\w+\\)' }); // the core's refusal, with its code
    assert.equal(await badge('step-credentials'), 'Needs attention');

    await ui({ action: 'wtType', selector: '#credentials-file', value: credentialsFile });
    await ui({ action: 'pressKey', key: 'Enter' });
    await ui({ action: 'wtWaitText', selector: '#credentials-result', pattern: `Vault ${vaultName} in ` });
    assert.equal(await badge('step-credentials'), 'Done');
  });

  it('step 2: sets the install and cache folders in temp folders (settings follow) with the free-space check', async () => {
    const install = path.join(tmp, 'install');
    const cache = path.join(tmp, 'cache');
    await ui({ action: 'wtType', selector: '#install-folder', value: install });
    await ui({ action: 'wtClick', selector: '#install-apply' });
    await waitUntil(() => settings().get('installFolder') === install, 'the install folder setting');
    await ui({ action: 'wtType', selector: '#cache-folder', value: cache });
    await ui({ action: 'wtClick', selector: '#cache-apply' });
    await ui({ action: 'wtWaitText', selector: '#cache-result', pattern: 'free; .* is needed' });
    assert.equal(settings().get('cacheFolder'), cache);
    assert.equal(await badge('step-folders'), 'Done');
  });

  it('step 3: keeps the direct connection and tests connectivity: each stage with its time', async () => {
    await ui({ action: 'wtSelect', selector: '#proxy-mode', value: 'off' });
    await ui({ action: 'wtClick', selector: '#proxy-save' });
    await ui({ action: 'wtWaitText', selector: '#proxy-result', pattern: 'The proxy settings were saved' });
    assert.equal(settings().get('proxy.mode'), 'off');
    await ui({ action: 'wtClick', selector: '#connectivity-test' });
    await ui({ action: 'wtWaitText', selector: '#connectivity-result', pattern: 'The vault is reachable' });
    const { text } = await ui<{ text: string }>({ action: 'wtText', selector: '#connectivity-stages' });
    assert.match(text, /TLS handshake\s+OK\s+\d+ ms/);
    assert.match(text, /Vault health\s+OK\s+\d+ ms/);
    assert.equal(await badge('step-proxy'), 'Done');
  });

  it('step 4: generates the passphrase, shows it only on request, hides it again, copies and saves it', async () => {
    await ui({ action: 'wtClick', selector: '#passphrase-generate' });
    await ui({ action: 'wtWaitText', selector: '#passphrase-summary', pattern: 'A passphrase is set \\(generated, about \\d+ bits\\)' });
    assert.equal((await ui<{ visible: boolean }>({ action: 'wtText', selector: '#passphrase-shown' })).visible, false);

    await ui({ action: 'wtClick', selector: '#passphrase-reveal' });
    passphrase = (await ui<{ text: string }>({ action: 'wtWaitText', selector: '#passphrase-value', pattern: '.{16,}' })).text;
    assert.equal((await ui<{ value: string }>({ action: 'wtAttr', selector: '#passphrase-reveal', name: 'aria-expanded' })).value, 'true');
    await ui({ action: 'wtClick', selector: '#passphrase-reveal' });
    const hidden = await ui<{ text: string; visible: boolean }>({ action: 'wtText', selector: '#passphrase-value' });
    assert.deepEqual([hidden.text, hidden.visible], ['', false]);

    await ui({ action: 'wtClick', selector: '#passphrase-copy' });
    await waitUntil(async () => (await vscode.env.clipboard.readText()) === passphrase, 'the passphrase on the clipboard');
    await vscode.env.clipboard.writeText('');

    const file = path.join(tmp, 'keep', 'backup-passphrase.txt');
    await ui({ action: 'wtType', selector: '#passphrase-file', value: file });
    await ui({ action: 'wtClick', selector: '#passphrase-save' });
    // The core warns that this file is on the server being protected; the user reads it and confirms in the page.
    await ui({ action: 'wtWaitText', selector: '#passphrase-confirm', pattern: 'on the server being protected' });
    await assert.rejects(fs.stat(file), 'nothing is saved before the user confirms');
    await ui({ action: 'wtClick', selector: '#passphrase-save-here' });
    await ui({ action: 'wtWaitText', selector: '#passphrase-summary', pattern: 'Saved to .*backup-passphrase\\.txt' });
    assert.ok((await fs.readFile(file, 'utf8')).includes(passphrase));
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });

  it('step 5: registers with the vault, every stage shown, then the finish state and the status bar', async () => {
    await ui({ action: 'wtClick', selector: '#register-start' });
    assert.equal((await ui<{ visible: boolean }>({ action: 'wtText', selector: '#register-cancel' })).visible, true);
    await ui({ action: 'wtWaitText', selector: '#register-result', pattern: `Registered with ${vaultName}`, timeout: 180000 });
    const { text: stages } = await ui<{ text: string }>({ action: 'wtText', selector: '#register-stages' });
    assert.match(stages, /Register with the vault — \d+ ms/);
    assert.match(stages, /Write the configuration — \d+ ms/);
    assert.equal(stages.split('\n').length, REGISTER_STAGES.length);

    const [registration] = await vault.admin.listRegistrations(vaultName);
    assert.ok(registration, 'the vault knows the registration');
    const { text: finish } = await ui<{ text: string }>({ action: 'wtWaitText', selector: '#finish', pattern: registration.registrationId });
    assert.match(finish, new RegExp(`Vault\\s+${vaultName}`));
    assert.equal(await badge('step-register'), 'Done');
    assert.equal((await ui<{ visible: boolean }>({ action: 'wtText', selector: '#change-properties' })).visible, true);
    await waitUntil(async () => (await ui<{ text: string }>({ action: 'statusBarItem', id: 'backupAgent.status' })).text.includes(vaultName), 'the status bar to name the vault', 30000);
  });

  it('keeps typed drafts across hide/restore through getState, never a secret', async () => {
    await ui({ action: 'wtSelect', selector: '#proxy-mode', value: 'settings' });
    await ui({ action: 'wtType', selector: '#proxy-no-proxy', value: 'intranet.example' });
    await ui({ action: 'wtType', selector: '#proxy-password', value: passphrase });
    await ui({ action: 'wtType', selector: '#passphrase-own', value: passphrase });
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await ui({ action: 'wtReady' });
    const { state } = await ui<{ state: { drafts: Record<string, string> } | null }>({ action: 'wtPersistedState' });
    assert.ok(state, 'the restored page got its saved state');
    assert.equal(state.drafts['proxy-no-proxy'], 'intranet.example');
    assert.equal((await ui<{ visible: boolean }>({ action: 'wtText', selector: '#proxy-host' })).visible, true, 'the drafted proxy mode is back');
    assert.ok(!JSON.stringify(state).includes(passphrase), 'the passphrase is not in the webview state');
    assert.equal((await ui<{ text: string }>({ action: 'wtText', selector: '#passphrase-value' })).text, '');
    assert.equal(await badge('step-register'), 'Done');
    await ui({ action: 'wtSelect', selector: '#proxy-mode', value: 'off' });
  });

  it('screenshots every step in the dark, light and high-contrast themes', async () => {
    for (const [label, theme] of Object.entries(THEMES)) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await waitUntil(() => (label === 'hc' ? vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.HighContrast : true), `${theme} to apply`);
      await new Promise((r) => setTimeout(r, 500)); // the webview restyles on the theme's next message
      for (const step of STEPS) {
        const { file } = await ui<{ file: string }>({ action: 'wtShot', selector: `#${step}`, name: `${label}-${step}` });
        assert.ok((await fs.stat(file)).size > 10000, file);
      }
    }
  });

  it('rejects malformed and unknown messages on both sides, logs them without their values, and keeps working', async () => {
    const fuzzSecret = 'fuzz-secret-value-0000000000';
    const toPage = [
      null, 42, 'ready', [], { kind: 'response' }, { kind: 'response', id: 987654, ok: true, result: {} },
      { kind: 'notification', method: 'session/changed', params: { installFolder: 5 } },
      { kind: 'notification', method: 'evil/eval', params: {} }, { kind: 'response', id: 1, ok: false, error: { code: 1 } },
    ];
    const before = Number((await ui<{ value: string | null }>({ action: 'wtAttr', selector: 'html', name: 'data-rejected-messages' })).value ?? 0);
    const { rejected } = await ui<{ rejected: number }>({ action: 'wtPostToPage', messages: toPage });
    assert.equal(rejected - before, toPage.length);

    const toHost = [
      null, 'ready', 7, { kind: 'request', id: 1, method: 'shell/exec', params: { command: 'rm -rf /' } },
      { kind: 'request', id: -1, method: 'register', params: {} },
      { kind: 'request', id: 2, method: 'passphrase/set', params: { value: fuzzSecret, extra: true } },
      { kind: 'request', id: 'x', method: 'passphrase/set', params: { value: fuzzSecret } },
      { kind: 'request', id: 3, method: 'credentials/select', params: { file: '' } },
      { kind: 'cancel', id: 'all' }, { kind: 'ready', now: true },
    ];
    await ui({ action: 'wtPostToHost', messages: toHost });
    const log = await waitUntil(async () => {
      const text = await logText();
      return (text.match(/ignored a message from the webview/g) ?? []).length >= toHost.length ? text : undefined;
    }, 'the rejected messages in the log');
    assert.ok(!log.includes(fuzzSecret), 'a rejected message’s values never reach the log');
    assert.ok(!log.includes('rm -rf'), 'a rejected message’s values never reach the log');

    // Both sides still work: a real request round-trips and the page renders its answer.
    await vscode.commands.executeCommand('backupAgent.openWalkthrough');
    await ui({ action: 'wtClick', selector: '#status-refresh' });
    await ui({ action: 'wtWaitText', selector: '#finish-summary', pattern: `Registered with ${vaultName}` });
    assert.equal((await ui<{ text: string }>({ action: 'wtText', selector: '#finish-result' })).text, '');
  });

  it('leaves the passphrase nowhere: webview state, settings, globalState, storage files or the log', async () => {
    assert.ok(passphrase.length >= 16);
    const { state } = await ui<{ state: unknown }>({ action: 'wtPersistedState' });
    assert.ok(!JSON.stringify(state ?? {}).includes(passphrase), 'webview state');
    assert.ok(!JSON.stringify(settings()).includes(passphrase), 'settings');
    assert.ok(!(await logText()).includes(passphrase), 'log');
    // globalState and every other file VS Code keeps for this user (settings.json, state.vscdb, logs).
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    const files = await filesUnder(userDataDir());
    assert.ok(files.some((f) => f.endsWith('settings.json')) && files.length > 5, `user data files: ${files.length}`);
    for (const file of files) {
      const bytes = await fs.readFile(file).catch(() => Buffer.alloc(0));
      assert.ok(!bytes.includes(passphrase), `the passphrase is in ${path.relative(userDataDir(), file)}`);
    }
    // The agent's own files keep only a verifier of it.
    for (const file of await filesUnder(path.join(tmp, 'install'))) {
      assert.ok(!(await fs.readFile(file)).includes(passphrase), `the passphrase is in ${file}`);
    }
  });

  it(`opens interactive within the goal: BENCH walkthrough-ready`, async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const started = Date.now();
      await vscode.commands.executeCommand('backupAgent.openWalkthrough');
      const { readyAt } = await ui<{ readyAt: number }>({ action: 'wtReady' });
      times.push(readyAt - started);
    }
    const median = [...times].sort((a, b) => a - b)[2]!;
    console.log(`BENCH walkthrough-ready ${median} (runs: ${times.join(', ')} ms; goal ≤ 500 ms)`);
    assert.ok(median <= 500, `median ${median} ms`);
  });
});

// The command palette's commands with a scripted user against a real vault, in the real host:
// what each leaves on the machine (agent configuration, the vault's registrations, settings,
// the status bar), Back and Cancel, and the specific refusals of bad credentials files.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { verifyPassphrase } from '../../src/core/passphrase/verifier';
import { buildCredentialsCorpus } from '../support/credentials-corpus';
import { activateExtension, waitUntil } from '../support/extension';
import { startHarness, type Harness } from '../support/setupHarness';
import { BACK, CANCEL, KEEP } from '../support/testUserInput';

const configFile = (h: Harness) => path.join(h.installFolder, 'config', 'agent.json');

describe('Command palette over a real vault', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('Back keeps typed values but not the passphrase; Cancel changes nothing', async () => {
    const before = vscode.workspace.getConfiguration('backupAgent').inspect('cacheFolder')?.globalValue;
    const input = await h.run('backupAgent.setup', [
      h.credentialsFile,
      KEEP, // install folder from the settings
      path.join(h.dir, 'cache-a'),
      BACK, // at the data size: back to the cache folder
      KEEP,
      '1',
      'No proxy',
      'Enter my own',
      'correct horse battery staple 42',
      BACK, // at the confirmation: back to the passphrase, which must be typed again
      CANCEL,
    ]);
    const cachePrompts = input.prompts.filter((p) => p.kind === 'input' && p.text?.startsWith('Cache'));
    assert.equal(cachePrompts.length, 2);
    assert.equal(cachePrompts[1]!.value, path.join(h.dir, 'cache-a'), 'Back shows the typed cache folder');
    const passphrasePrompts = input.prompts.filter((p) => p.text?.startsWith('Encryption passphrase'));
    assert.equal(passphrasePrompts.length, 2);
    assert.equal(passphrasePrompts[1]!.value, undefined, 'a typed passphrase is not kept');
    // "Step n of N" along the path, Back included: typing a passphrase adds two steps, nothing else moves.
    assert.deepEqual(
      input.prompts.map((p) => p.step),
      ['1/8', '2/8', '3/8', '4/8', '3/8', '4/8', '5/8', '6/8', '7/10', '8/10', '7/10'],
    );
    assert.equal(input.messages.length, 0, 'cancelling is silent');
    assert.equal(existsSync(configFile(h)), false);
    assert.equal(existsSync(path.join(h.dir, 'cache-a')), false);
    assert.equal(vscode.workspace.getConfiguration('backupAgent').inspect('cacheFolder')?.globalValue, before);
    assert.deepEqual(await h.vault.admin.listRegistrations(h.creds.identity.name), []);
  });

  it('Cancel at the summary changes nothing on the machine or at the vault; the prompts named the default folders', async () => {
    const selectedBefore = h.testing.session.snapshot().credentials;
    const input = await h.run('backupAgent.setup', [h.credentialsFile, KEEP, '', '', 'No proxy', 'Generate', 'Continue', CANCEL]);
    const summary = input.prompts.at(-1)!;
    assert.ok(summary.items?.some((i) => i.includes(h.creds.identity.name)), `summary: ${JSON.stringify(summary.items)}`);
    assert.ok(summary.items?.includes(`Install folder: ${h.installFolder}`), JSON.stringify(summary.items));
    assert.ok(summary.items?.includes('Vault service: local vault · agent: reference agent (Linux)'), JSON.stringify(summary.items));
    // The cache folder left empty: the prompt named the folder the summary now shows.
    const cacheFolder = summary.items?.find((i) => i.startsWith('Cache folder: '))?.slice('Cache folder: '.length);
    const [installPrompt, cachePrompt] = input.prompts.slice(1, 3);
    assert.ok(cacheFolder && cachePrompt?.text?.endsWith(`Leave empty for the default, ${cacheFolder}.`), `${cachePrompt?.text} / ${cacheFolder}`);
    const { installFolder } = await (await h.testing.session.getService()).installPlace();
    assert.ok(installPrompt?.text?.endsWith(`Leave empty for the default, ${installFolder}.`), installPrompt?.text);
    assert.equal(existsSync(configFile(h)), false);
    assert.deepEqual(await h.vault.admin.listRegistrations(h.creds.identity.name), []);
    // The answers were not kept: selecting the file is its own step. Once selected, this server
    // not registered: the state first, the countdown after it.
    assert.deepEqual(h.testing.session.snapshot().credentials, selectedBefore, 'cancelling selected no credentials file');
    await h.run('backupAgent.selectCredentials', [h.credentialsFile]);
    await h.testing.status.check();
    assert.match((await activateExtension()).api.statusBarItem.text, /Backup: not registered · credentials expire in \d+h \d+m$/);
  });

  it('Cancel at the summary, every answer given, keeps nothing: no credentials, passphrase, file or setting changed', async () => {
    const config = () => vscode.workspace.getConfiguration('backupAgent');
    const settings = () => ['installFolder', 'cacheFolder', 'proxy.mode'].map((k) => config().inspect(k)?.globalValue);
    const session = h.testing.session;
    // Selected before: a copy of the suite's file under another name (a new file would supersede it).
    const copy = path.join(h.dir, 'selected-before.VaultCredentials');
    await fs.copyFile(h.credentialsFile, copy);
    await h.run('backupAgent.selectCredentials', [copy]);
    assert.equal(session.snapshot().credentials?.file, copy);
    const before = { settings: settings(), credentials: session.snapshot().credentials, remembered: session.rememberedCredentials(), passphrase: session.revealPassphrase() };
    const passphraseFile = path.join(h.dir, 'cancelled', 'passphrase.txt');
    const installFolder = path.join(h.dir, 'agent-cancelled');
    const cacheFolder = path.join(h.dir, 'cache-cancelled');
    const input = await h.run('backupAgent.setup', [h.credentialsFile, installFolder, cacheFolder, '1', 'No proxy', 'Generate', 'Save to file', passphraseFile, true, CANCEL]);
    const summary = input.prompts.at(-1)!;
    assert.ok(summary.items?.includes(`Install folder: ${installFolder}`), `the summary was reached: ${JSON.stringify(summary.items)}`);
    assert.ok(input.prompts.some((p) => p.kind === 'confirm'), 'the location of the file was confirmed in the prompt');
    assert.equal(input.messages.length, 0, JSON.stringify(input.messages));
    assert.equal(existsSync(passphraseFile), false, 'no passphrase file written');
    assert.equal(existsSync(path.dirname(passphraseFile)), false, 'not even its folder');
    assert.equal(existsSync(installFolder) || existsSync(cacheFolder), false, 'no folder created');
    assert.deepEqual(settings(), before.settings, 'no setting written');
    assert.deepEqual(session.snapshot().credentials, before.credentials, 'the selected credentials file is the one before');
    assert.deepEqual(session.rememberedCredentials(), before.remembered, 'and so is the remembered one');
    assert.equal(session.revealPassphrase(), before.passphrase, 'no passphrase kept');
    assert.equal(session.snapshot().passphrase.savedTo, undefined);
    // Back to the suite's file for the tests after this one.
    await h.run('backupAgent.selectCredentials', [h.credentialsFile]);
  });

  it('"Set Up Backup Agent…" registers the server and the status bar names the vault', async () => {
    const passphraseFile = path.join(h.dir, 'keep', 'passphrase.txt');
    const input = await h.run('backupAgent.setup', [
      h.credentialsFile,
      KEEP,
      '',
      '1',
      'No proxy',
      'Generate',
      'Save to file',
      passphraseFile,
      true, // confirm the location warnings
      BACK, // at the summary: back to keeping the passphrase…
      BACK, // …and to choosing it, to use the one just saved
      'Use the passphrase chosen before',
      'Register This Server',
    ]);
    // The saved passphrase has nothing left to keep: the summary stays "8 of 8".
    assert.deepEqual(input.prompts.filter((p) => p.step).map((p) => p.step), ['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8', '7/8', '6/8', '8/8']);
    const save = input.prompts.find((p) => p.kind === 'saveFile');
    assert.equal(save?.title, 'Save the Encryption Passphrase', 'the save dialog has a title');
    const keep = input.prompts.find((p) => p.items?.includes('Save to file…'));
    assert.ok(save?.value, 'the save dialog proposed a file');
    assert.equal(keep?.descriptions?.[keep.items!.indexOf('Save to file…')], save.value, '"Save to file…" named the file the dialog proposes');
    assert.equal(input.messages.filter((m) => m.kind === 'error').length, 0, JSON.stringify(input.messages));
    assert.ok(input.messages.some((m) => m.kind === 'info' && m.text.includes(h.creds.identity.name)));
    const config = JSON.parse(await fs.readFile(configFile(h), 'utf8'));
    assert.equal(config.vault.name, h.creds.identity.name);
    assert.equal(JSON.stringify(config).includes(h.testing.session.revealPassphrase()!.reveal()), false, 'no passphrase in the configuration');
    assert.equal((await fs.stat(passphraseFile)).mode & 0o777, 0o600, 'the passphrase file is readable by its owner only');
    const registrations = await h.vault.admin.listRegistrations(h.creds.identity.name);
    assert.equal(registrations.length, 1);
    assert.equal(registrations[0]!.status, 'registered');
    assert.equal(registrations[0]!.registrationId, config.registration.id);
    const { api } = await activateExtension();
    await waitUntil(() => api.statusBarItem.text.includes(h.creds.identity.name), 'the vault name in the status bar');
    assert.equal(api.statusBarItem.backgroundColor, undefined);
  });

  it('"Change Properties…" changes the passphrase with the vault\'s security PIN', async () => {
    const previous = h.testing.session.revealPassphrase()!.reveal();
    const pin = await h.vault.admin.issueSecurityPin(h.creds.identity.name);
    const input = await h.run('backupAgent.changeProperties', ['Encryption passphrase', 'Generate', 'Continue', pin.pin]);
    assert.deepEqual(input.messages.map((m) => m.kind), ['info']);
    assert.match(input.messages[0]!.text, /passphrase/);
    const generated = h.testing.session.revealPassphrase()!.reveal();
    assert.notEqual(generated, previous, 'a new passphrase was generated');
    const { verifier } = JSON.parse(await fs.readFile(configFile(h), 'utf8')).passphrase;
    assert.equal(await verifyPassphrase(verifier, generated), true, 'the configuration verifies the new passphrase');
    assert.equal(await verifyPassphrase(verifier, previous), false, 'and no longer the old one');
  });

  it('a vault that does not answer shows as unreachable with the warning background and fitting links', async () => {
    const { api } = await activateExtension();
    await h.withVaultDown(async () => {
      await h.testing.status.check();
      assert.match(api.statusBarItem.text, /vault unreachable/);
      assert.deepEqual(api.statusBarItem.backgroundColor, new vscode.ThemeColor('statusBarItem.warningBackground'));
      const tooltip = api.statusBarItem.tooltip as vscode.MarkdownString;
      assert.match(tooltip.value, /command:backupAgent\.testConnectivity/);
      const trust = tooltip.isTrusted as { enabledCommands: string[] };
      assert.ok(trust.enabledCommands.length > 0 && trust.enabledCommands.every((c) => c.startsWith('backupAgent.')), "links run only this extension's commands");
    });
    await h.testing.status.check();
    assert.match(api.statusBarItem.text, new RegExp(h.creds.identity.name));
  });

  it('a revoked registration shows on the status bar with the error background', async () => {
    const [registration] = await h.vault.admin.listRegistrations(h.creds.identity.name);
    await h.vault.admin.revokeRegistration(registration!.registrationId);
    await h.testing.status.check();
    const { api } = await activateExtension();
    assert.match(api.statusBarItem.text, /revoked/);
    assert.deepEqual(api.statusBarItem.backgroundColor, new vscode.ThemeColor('statusBarItem.errorBackground'));
  });

  it('"Unregister Server" removes the registration from the configuration', async () => {
    const input = await h.run('backupAgent.unregister', [true]);
    assert.equal(input.messages.at(-1)?.kind, 'info');
    const config = JSON.parse(await fs.readFile(configFile(h), 'utf8'));
    assert.equal(config.registration ?? null, null);
  });

  it('expired and Site Recovery files get their specific refusal as the path is typed', async () => {
    const corpus = await buildCredentialsCorpus(h.dir, new Date());
    const fileOf = (name: string) => corpus.hostile.find((c) => c.name === name)!.file;
    const input = await h.run('backupAgent.selectCredentials', [fileOf('expired'), fileOf('site-recovery-asr'), CANCEL]);
    assert.equal(input.validationMessages.length, 2);
    assert.match(input.validationMessages[0]!, /expired/);
    assert.match(input.validationMessages[1]!, /Site Recovery/);
  });

  it('a superseded credentials file is refused by the vault with its next step', async () => {
    const older = await h.issueFile('older.VaultCredentials');
    await h.issueFile('newer.VaultCredentials');
    await h.run('backupAgent.selectCredentials', [older]);
    const input = await h.run('backupAgent.register', ['Register This Server']);
    const error = input.messages.find((m) => m.kind === 'error');
    assert.ok(error, JSON.stringify(input.messages));
    assert.match(error.text, /newer one was downloaded/);
    assert.ok(error.actions.includes('Select a New Credentials File…'));
    assert.ok(error.actions.includes('Retry') && error.actions.includes('Show Log'));
  });

  it('"Start Local Vault" issues a credentials file the session can use; "Stop Local Vault" stops it', async () => {
    await vscode.workspace.getConfiguration('backupAgent').update('localVault.port', 0, vscode.ConfigurationTarget.Global);
    const use = (m: { actions: string[] }) => m.actions.find((a) => a.startsWith('Use'));
    const input = await h.run('backupAgent.startLocalVault', [], use);
    assert.match(input.messages[0]!.text, /Local vault local-vault runs at https:\/\/127\.0\.0\.1:\d+/);
    const credentials = h.testing.session.snapshot().credentials;
    assert.ok(credentials?.ok, JSON.stringify(credentials));
    assert.equal(credentials.value.vaultName, 'local-vault');
    // Issued through the backend seam: a local-vault file for the reference agent, private to this user.
    assert.deepEqual([credentials.value.backend, credentials.value.agent], ['local', 'reference']);
    assert.equal((await fs.stat(h.testing.session.snapshot().credentials!.file)).mode & 0o777, 0o600);
    // Its CA is trusted: the connectivity check passes every stage.
    const connectivity = await h.testing.session.testConnectivity();
    assert.ok(connectivity.ok, JSON.stringify(connectivity));
    await h.run('backupAgent.stopLocalVault', []);
    assert.equal(h.testing.localVault.isRunning, false);
  });
});

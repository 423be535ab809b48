// The setup page's "A remote server…" choice, clicked in the page of a real code-server: the
// host picker lists the ssh config's hosts, the page then names the remote server, and the same
// five steps set up and register a real sshd server on loopback with a real local vault. The
// passphrase file stays on this (the admin's) machine.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { readPassphraseFile } from '../../src/core/passphrase/file';
import { endpointKey } from '../../src/core/trust/endpoint';
import { STRINGS, type StringKey } from '../../src/webview/strings';
import { activateExtension, waitUntil } from '../support/extension';
import { escapeRe, pagePattern } from '../support/pagePattern';
import { generateKeyPair, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { ui } from '../support/uiBridge';
import { createVaultWithCredentials, startTestVault, type TestVault } from '../support/vault';

const ALIAS = 'lab-remote';
const settings = () => vscode.workspace.getConfiguration('backupAgent');
const SETTINGS = ['vault.trustedCertificates', 'installFolder', 'cacheFolder', 'ssh.configFile', 'ssh.knownHostsFile'];
/** A page text as a pattern (this suite runs in the English host). */
const re = (key: StringKey, ...args: string[]) => pagePattern(STRINGS[key], ...args);
const current = async () => (await ui<{ text: string }>({ action: 'wtText', selector: '#target-current' })).text;
const checked = async (id: string) => (await ui<{ checked: boolean }>({ action: 'wtChecked', selector: `#${id}` })).checked;

describe('Setup page: "A remote server…" sets up a server over SSH', function () {
  this.timeout(300000);
  let vault: TestVault;
  let sshd: TestSshd;
  let tmp: string;
  let vaultName: string;
  let knownHosts: string;

  before(async function () {
    const missing = sshdUnavailableReason();
    if (missing) return this.skip();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'setup-page-remote-'));
    const { ext } = await activateExtension();
    const agentDir = path.join(tmp, 'agent-package');
    await fs.cp(path.join(ext.extensionPath, 'dist', 'agent'), agentDir, { recursive: true });
    vault = await startTestVault({ agentDir });
    const issued = await createVaultWithCredentials(vault);
    vaultName = issued.identity.name;
    await fs.writeFile(path.join(tmp, issued.file.fileName), issued.file.xml);
    await fs.writeFile(path.join(tmp, 'vault-ca.pem'), vault.caCertPem);

    const client = await generateKeyPair(tmp, 'client_ed25519');
    sshd = await startSshd({ authorizedKeys: [client.publicKey] });
    const sshConfig = path.join(tmp, 'ssh_config');
    await fs.writeFile(sshConfig, `Host ${ALIAS}\n  HostName ${sshd.host}\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${client.privateKeyFile}\n`);
    // Known already: VS Code refuses modal dialogs (the trust prompt) while it runs extension tests.
    // The prompt and its fingerprint are tested in test/integration/remote.test.ts.
    knownHosts = path.join(tmp, 'known_hosts');
    await fs.writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    await settings().update('ssh.configFile', sshConfig, vscode.ConfigurationTarget.Global);
    await settings().update('ssh.knownHostsFile', knownHosts, vscode.ConfigurationTarget.Global);
    await settings().update('vault.trustedCertificates', { [endpointKey(vault.url)]: path.join(tmp, 'vault-ca.pem') }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await ui({ action: 'runCommand', title: 'Backup Agent: Open Setup Page' });
    await ui({ action: 'wtReady' });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of SETTINGS) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
    await sshd?.close();
    await vault?.close();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('starts on this server; cancelling the host picker keeps it', async () => {
    assert.equal(await checked('target-local'), true);
    assert.equal(await current(), STRINGS.targetCurrentLocal);
    await ui({ action: 'wtClick', selector: '#target-ssh' });
    const { items } = await ui<{ items: string[] }>({ action: 'quickPickItems' });
    assert.ok(items.some((i) => i.includes(ALIAS)), `the ssh config's host is offered: ${JSON.stringify(items)}`);
    await ui({ action: 'pressKey', key: 'Escape' });
    await waitUntil(async () => (await checked('target-local')) || undefined, 'the choice to go back to this server');
    assert.equal(await current(), STRINGS.targetCurrentLocal);
  });

  it('picks the host from ssh config and sets it up from then on', async () => {
    await ui({ action: 'wtClick', selector: '#target-ssh' });
    await ui({ action: 'qiAnswer', text: ALIAS });
    await ui({ action: 'wtWaitText', selector: '#target-current', pattern: re('targetCurrentRemote', `.*${escapeRe(ALIAS)}.*`) });
    assert.equal(await checked('target-ssh'), true);
    assert.equal((await ui<{ visible: boolean }>({ action: 'wtText', selector: '#target-choose' })).visible, true);
  });

  it('runs the same steps against the remote server and registers it; the passphrase file stays on this machine', async () => {
    const remoteRoot = path.join(sshd.dir, 'srv');
    const install = path.join(remoteRoot, 'install');
    const credentials = (await fs.readdir(tmp)).find((f) => f.endsWith('.VaultCredentials'))!;
    await ui({ action: 'wtType', selector: '#credentials-file', value: path.join(tmp, credentials) });
    await ui({ action: 'pressKey', key: 'Enter' });
    await ui({ action: 'wtWaitText', selector: '#credentials-result', pattern: re('credentialsVault', vaultName, '.+', '.+') });
    await ui({ action: 'wtType', selector: '#install-folder', value: install });
    await ui({ action: 'wtClick', selector: '#install-apply' });
    await ui({ action: 'wtType', selector: '#cache-folder', value: path.join(remoteRoot, 'cache') });
    await ui({ action: 'wtType', selector: '#data-size', value: '1' });
    await ui({ action: 'wtClick', selector: '#cache-apply' });
    await ui({ action: 'wtWaitText', selector: '#cache-result', pattern: re('cacheOk', '.+', '.+') });
    await ui({ action: 'wtClick', selector: '#passphrase-generate' });
    await ui({ action: 'wtWaitText', selector: '#passphrase-summary', pattern: '.+' });
    const passphraseFile = path.join(tmp, 'admin-side', 'remote-passphrase.txt');
    await ui({ action: 'wtType', selector: '#passphrase-file', value: passphraseFile });
    await ui({ action: 'wtClick', selector: '#passphrase-save' });
    await ui({ action: 'wtWaitText', selector: '#passphrase-summary', pattern: re('passphraseSavedTo', '.*remote-passphrase\\.txt') });
    assert.equal((await fs.stat(passphraseFile)).mode & 0o777, 0o600);

    await ui({ action: 'wtClick', selector: '#register-start' });
    await ui({ action: 'wtWaitText', selector: '#register-result', pattern: re('stateRegistered', vaultName), timeout: 180000 });
    const registrations = await vault.admin.listRegistrations(vaultName);
    assert.equal(registrations.length, 1);
    // No name was chosen: the passphrase file names the server as the vault does, by its host name.
    assert.equal((await readPassphraseFile(passphraseFile)).serverName, registrations[0]!.serverName);
    // Written over SSH into the remote install folder (the sshd runs on this machine).
    const config = JSON.parse(await fs.readFile(path.join(install, 'config', 'agent.json'), 'utf8')) as { registration?: { id: string } };
    assert.equal(config.registration?.id, registrations[0]!.registrationId);
  });

  it('goes back to this server', async () => {
    await ui({ action: 'wtClick', selector: '#target-local' });
    await ui({ action: 'wtWaitText', selector: '#target-current', pattern: escapeRe(STRINGS.targetCurrentLocal) });
    assert.equal(await checked('target-local'), true);
  });
});

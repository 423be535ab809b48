// Every error has a way forward, as a user meets it: each case provokes the real error (a real
// vault, a real squid, real files, a real tmpfs), answers the error notification with the next
// step it offers, scripts the fixing command's prompts, and shows that the retry then succeeds.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { endpointKey } from '../../src/core/trust/endpoint';
import { startHarness, type Harness } from '../support/setupHarness';
import { squidUnavailableReason, startSquid, type Squid } from '../support/squid';
import { KEEP, type MessageRecord } from '../support/testUserInput';
import { createTestCa, freePort } from '../support/tls';
import { waitUntil } from '../support/extension';
import { createVaultWithCredentials } from '../support/vault';
import { mountTmpfs, mountUnavailableReason, type Mount } from '../unit/cache/tmpfs';

const config = () => vscode.workspace.getConfiguration('backupAgent');

/** Updates a user setting and waits until the extension host reads the new value. */
async function setSetting(key: string, value: unknown): Promise<void> {
  await config().update(key, value, vscode.ConfigurationTarget.Global);
  await waitUntil(() => JSON.stringify(config().inspect(key)?.globalValue) === JSON.stringify(value) || undefined, `${key} to read ${JSON.stringify(value)}`);
}

interface Expected {
  /** The message's kind; an error unless said. */
  kind?: MessageRecord['kind'];
  text: RegExp;
  /** The action to choose, which must be offered. */
  choose?: string;
  /** Checked when the message shows, before the answer is given. */
  check?: (m: MessageRecord) => void;
}

/**
 * Answers notifications in the order expected: each one matching the next expectation gets its
 * answer; any other gets none. `done()` checks that every expected message came, and that no
 * error came that was not expected.
 */
function notifications(...expected: Expected[]) {
  const queue = [...expected];
  const seen: MessageRecord[] = [];
  return {
    onMessage(m: MessageRecord): string | undefined {
      seen.push(m);
      const next = queue[0];
      if (!next || (next.kind ?? 'error') !== m.kind || !next.text.test(m.text)) return undefined;
      queue.shift();
      if (next.choose) assert.ok(m.actions.includes(next.choose), `"${next.choose}" is not offered with "${m.text}": ${JSON.stringify(m.actions)}`);
      next.check?.(m);
      return next.choose;
    },
    done(): void {
      assert.deepEqual(queue.map((e) => String(e.text)), [], `expected messages that never came; seen: ${JSON.stringify(seen, null, 1)}`);
      const errors = seen.filter((m) => m.kind === 'error').length;
      assert.equal(errors, expected.filter((e) => (e.kind ?? 'error') === 'error').length, `unexpected errors: ${JSON.stringify(seen, null, 1)}`);
    },
  };
}

describe('Every error has a way forward', function () {
  this.timeout(180_000);
  let h: Harness;
  let key: string;

  const registered = { kind: 'info' as const, text: /is registered with vault|was registered again with vault/ };
  const vaultAnswered = { kind: 'info' as const, text: /^The vault answered: .*health ok/ };

  /** A fresh install folder for the next registration, so one case's agent never meets another's. */
  const installInto = (name: string) => setSetting('installFolder', path.join(h.dir, name));
  const configOf = async (name: string) => JSON.parse(await fs.readFile(path.join(h.dir, name, 'config', 'agent.json'), 'utf8'));

  before(async () => {
    h = await startHarness();
    key = endpointKey(h.vault.url);
  });
  after(async () => {
    for (const setting of ['proxy.host', 'proxy.port', 'proxy.user']) await config().update(setting, undefined, vscode.ConfigurationTarget.Global);
    await h?.close();
  });

  it('CredentialsNotSelected → "Select Credentials File…"; Test Connectivity then passes', async () => {
    await h.testing.session.reset();
    const seen = notifications({ text: /Select a vault credentials file first/, choose: 'Select Credentials File…' }, { kind: 'info', text: /selected; the file is valid/ });
    await h.run('backupAgent.testConnectivity', [h.credentialsFile], seen.onMessage);
    seen.done();
    const retry = notifications(vaultAnswered);
    await h.run('backupAgent.testConnectivity', [], retry.onMessage);
    retry.done();
  });

  it('TlsUntrustedCertificate → "Trust This Vault\'s Certificate…", refusing a CA that does not verify the chain; then trusted for that endpoint', async () => {
    await setSetting('vault.trustedCertificates', undefined);
    const caFile = path.join(h.dir, 'vault-ca.pem');
    const wrongCa = path.join(h.dir, 'some-other-ca.pem');
    await fs.writeFile(wrongCa, createTestCa('Some Other CA').certPem);
    const leaf = new X509Certificate(await fs.readFile(path.join(h.vault.dataDir, 'server.cert.pem')));
    const trust = "Trust This Vault's Certificate…";
    const nothingTrusted = () => assert.equal(config().inspect('vault.trustedCertificates')?.globalValue, undefined, 'nothing is trusted yet');
    const seen = notifications(
      { text: new RegExp(`not issued by a trusted authority.*SHA-256 fingerprint ${leaf.fingerprint256}`), choose: trust, check: nothingTrusted },
      { text: /does not verify the certificate .* presents.*Nothing was trusted/, choose: trust, check: nothingTrusted },
      { kind: 'info', text: new RegExp(`Connections to ${key.replace(/\./g, '\\.')} now trust`) },
    );
    const input = await h.run('backupAgent.testConnectivity', [true, wrongCa, true, caFile], seen.onMessage);
    seen.done();
    const question = input.prompts.find((p) => p.kind === 'confirm')!;
    assert.ok(question.text?.includes(leaf.fingerprint256) && question.text.includes(leaf.issuer.split('\n').at(-1)!), question.text);
    const dialog = input.prompts.find((p) => p.kind === 'openFile')!;
    assert.ok(dialog.title?.includes(key), `the open dialog is titled with the endpoint: ${dialog.title}`);
    await waitUntil(() => (config().inspect<Record<string, string>>('vault.trustedCertificates')?.globalValue?.[key] === caFile) || undefined, 'the trusted CA setting');
    assert.deepEqual(config().inspect('vault.trustedCertificates')?.globalValue, { [key]: caFile }, 'trusted for this endpoint only');

    const retry = notifications(vaultAnswered);
    await h.run('backupAgent.testConnectivity', [], retry.onMessage);
    retry.done();
  });

  it('ProxyUnreachable → "Configure Proxy…"; the Test Connectivity it offers then passes', async () => {
    await setSetting('proxy.port', await freePort());
    await setSetting('proxy.host', '127.0.0.1');
    await setSetting('proxy.mode', 'settings');
    const seen = notifications(
      { text: /The proxy http:\/\/127\.0\.0\.1:\d+ cannot be reached/, choose: 'Configure Proxy…' },
      { kind: 'info', text: /Proxy settings saved/, choose: 'Test Connectivity' },
      vaultAnswered,
    );
    await h.run('backupAgent.testConnectivity', ['No proxy'], seen.onMessage);
    seen.done();
    assert.equal(config().inspect('proxy.mode')?.globalValue, undefined, 'no proxy');
  });

  describe('behind a squid that asks for a password', () => {
    let squid: Squid | undefined;
    before(async function () {
      const reason = squidUnavailableReason();
      if (reason) {
        console.warn(`    skipping the proxy authentication case: ${reason}`);
        return this.skip();
      }
      squid = await startSquid({ auth: { user: 'backup', password: 'proxy-secret-42' } });
    });
    after(async () => {
      await h.testing.session.setProxy({ mode: 'off', host: '', port: 3128, user: '', noProxy: [] });
      await squid?.stop();
    });

    it('ProxyAuthRequired → "Enter Proxy Credentials…"; the Test Connectivity it offers then passes through squid', async () => {
      await setSetting('proxy.host', '127.0.0.1');
      await setSetting('proxy.port', squid!.port);
      await setSetting('proxy.mode', 'settings');
      const seen = notifications(
        { text: /requires authentication/, choose: 'Enter Proxy Credentials…' },
        { kind: 'info', text: /Proxy settings saved/, choose: 'Test Connectivity' },
        vaultAnswered,
      );
      await h.run('backupAgent.testConnectivity', ['Specify a proxy', KEEP, KEEP, 'backup', 'proxy-secret-42'], seen.onMessage);
      seen.done();
      assert.equal(config().inspect('proxy.user')?.globalValue, 'backup');
      assert.equal(JSON.stringify(config().get('proxy')).includes('proxy-secret-42'), false, 'the password is not a setting');
    });
  });

  it('PassphraseFileExists → "Save a New Passphrase Elsewhere…"; the new file is saved, the existing one untouched', async () => {
    const existing = path.join(h.dir, 'existing-passphrase.txt');
    await fs.writeFile(existing, 'not a passphrase of this setup\n');
    const saved = path.join(h.dir, 'keep', 'new-passphrase.txt');
    const seen = notifications({ text: /already exists/, choose: 'Save a New Passphrase Elsewhere…' }, { kind: 'info', text: /The passphrase was saved to/ });
    // Save to the existing file (confirming the location), refused; the step's own action saves a new passphrase elsewhere; then Continue.
    await h.run('backupAgent.generatePassphrase', ['Save to file', existing, true, 'Save to file', saved, true, 'Continue'], seen.onMessage);
    seen.done();
    assert.equal(await fs.readFile(existing, 'utf8'), 'not a passphrase of this setup\n');
    assert.equal((await fs.stat(saved)).mode & 0o777, 0o600);
    assert.equal(h.testing.session.snapshot().passphrase.savedTo, saved);
  });

  it('PassphraseNotSet → "Enter Passphrase…"; Register then succeeds', async () => {
    await h.testing.session.reset();
    await h.testing.session.selectCredentials(h.credentialsFile);
    await installInto('install-passphrase');
    const seen = notifications({ text: /Generate or enter an encryption passphrase first/, choose: 'Enter Passphrase…' });
    const typed = 'correct horse battery staple 42';
    await h.run('backupAgent.register', [typed, typed, 'Continue'], seen.onMessage);
    seen.done();
    const retry = notifications(registered);
    await h.run('backupAgent.register', ['Register This Server'], retry.onMessage);
    retry.done();
    assert.equal((await configOf('install-passphrase')).vault.name, h.creds.identity.name);
  });

  it('CBPUserExpiredVaultCredential (a file the vault issued with its clock 49 h back) → "Select a New Credentials File…"; Register then succeeds', async () => {
    h.vault.clock.advance(-49 * 3600_000);
    const expired = await h.issueFile('expired.VaultCredentials');
    h.vault.clock.advance(49 * 3600_000);
    const fresh = await h.issueFile('fresh.VaultCredentials');
    await h.testing.session.selectCredentials(expired);
    await installInto('install-expired');
    const seen = notifications({ text: /has expired/, choose: 'Select a New Credentials File…' }, { kind: 'info', text: /selected; the file is valid/ });
    await h.run('backupAgent.register', [fresh], seen.onMessage);
    seen.done();
    const retry = notifications(registered);
    await h.run('backupAgent.register', ['Register This Server'], retry.onMessage);
    retry.done();
  });

  it('34513 (a file superseded by a newer one, refused by the vault) → "Select a New Credentials File…"; Register then succeeds', async () => {
    const older = await h.issueFile('older.VaultCredentials');
    const newer = await h.issueFile('newer.VaultCredentials');
    await h.testing.session.selectCredentials(older);
    await installInto('install-superseded');
    const seen = notifications({ text: /a newer one was downloaded since/, choose: 'Select a New Credentials File…' }, { kind: 'info', text: /selected; the file is valid/ });
    await h.run('backupAgent.register', ['Register This Server', newer], seen.onMessage);
    seen.done();
    const retry = notifications(registered);
    await h.run('backupAgent.register', ['Register This Server'], retry.onMessage);
    retry.done();
    assert.equal((await configOf('install-superseded')).vault.name, h.creds.identity.name);
  });

  it('100110 (this server is registered with another vault) → "Select That Vault\'s Credentials File…"; Register then registers again', async () => {
    const current = h.testing.session.snapshot().credentials!.file;
    const other = await createVaultWithCredentials(h.vault);
    const otherFile = path.join(h.dir, other.file.fileName);
    await fs.writeFile(otherFile, other.file.xml);
    await h.testing.session.selectCredentials(otherFile);
    const seen = notifications(
      { text: new RegExp(`already registered with vault ${h.creds.identity.name}`), choose: "Select That Vault's Credentials File…" },
      { kind: 'info', text: /selected; the file is valid/ },
    );
    await h.run('backupAgent.register', [current], seen.onMessage);
    seen.done();
    const retry = notifications({ kind: 'info', text: /was registered again with vault/ });
    await h.run('backupAgent.register', ['Register This Server'], retry.onMessage);
    retry.done();
    assert.deepEqual(await h.vault.admin.listRegistrations(other.identity.name), [], 'nothing registered with the other vault');
  });

  it('SecurityPinInvalid → "Enter a New Security PIN…"; the passphrase change then succeeds', async () => {
    const pin = await h.vault.admin.issueSecurityPin(h.creds.identity.name);
    const wrong = pin.pin === '12345678' ? '87654321' : '12345678';
    const seen = notifications({ text: /security PIN is not valid/, choose: 'Enter a New Security PIN…' }, { kind: 'info', text: /^Changed: passphrase/ });
    await h.run('backupAgent.changeProperties', ['Encryption passphrase', 'Generate', 'Continue', wrong, 'Encryption passphrase', 'Generate', 'Continue', pin.pin], seen.onMessage);
    seen.done();
  });

  it('SecurityPinExpired (the vault clock 6 minutes on) → "Enter a New Security PIN…"; the passphrase change then succeeds', async () => {
    const stale = await h.vault.admin.issueSecurityPin(h.creds.identity.name);
    h.vault.clock.advance(6 * 60_000);
    const pin = await h.vault.admin.issueSecurityPin(h.creds.identity.name);
    const seen = notifications({ text: /security PIN has expired/, choose: 'Enter a New Security PIN…' }, { kind: 'info', text: /^Changed: passphrase/ });
    await h.run('backupAgent.changeProperties', ['Encryption passphrase', 'Generate', 'Continue', stale.pin, 'Encryption passphrase', 'Generate', 'Continue', pin.pin], seen.onMessage);
    seen.done();
  });

  describe('with a cache folder on a 1 MiB tmpfs', () => {
    let mount: Mount | undefined;
    before(async function () {
      const reason = await mountUnavailableReason();
      if (reason) {
        console.warn(`    skipping the cache folder case: ${reason}`);
        return this.skip();
      }
      mount = await mountTmpfs({ sizeBytes: 1024 * 1024 });
    });
    after(async () => {
      await mount?.unmount();
    });

    it('CacheFolderTooSmall → "Set Cache Folder…"; a folder with room is then set', async () => {
      const roomy = path.join(h.dir, 'cache-roomy');
      const seen = notifications({ text: /The cache folder needs at least \d+ bytes free/, choose: 'Set Cache Folder…' }, { kind: 'info', text: /^Cache folder .*cache-roomy set/ });
      await h.run('backupAgent.setCacheFolder', [path.join(mount!.dir, 'cache'), '10', roomy, '0.01'], seen.onMessage);
      seen.done();
      assert.equal(config().inspect('cacheFolder')?.globalValue, roomy);
      assert.equal(existsSync(path.join(mount!.dir, 'cache')), false, 'the refused folder is not left behind');
    });
  });
});

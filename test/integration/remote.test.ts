// Remote servers over real sshd servers and a real vault, in the real host: "Register a Remote
// Server…" end to end (host-key trust, an encrypted key, the Servers view, status over SSH), a
// changed host key refused, "Register Servers…" with a failing server and "Register Failed
// Again", and no secret left in the log, the settings or globalState.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import { readPassphraseFile } from '../../src/core/passphrase/file';
import type { FleetReport } from '../../src/core/fleet';
import { reportMarkdown } from '../../src/vscode/features/fleet/report';
import type { ServerRecord } from '../../src/vscode/features/servers/store';
import { THIS_SERVER_ID } from '../../src/vscode/features/servers/view';
import { COMMANDS } from '../../src/vscode/ids';
import { startConnectProxy } from '../support/connectProxy';
import { activateExtension } from '../support/extension';
import { startRemoteServers, type RemoteServers } from '../support/remoteServers';
import { startHarness, type Harness } from '../support/setupHarness';
import { statusPage } from '../support/statusPage';
import { generateKeyPair, sshdUnavailableReason } from '../support/sshd';
import { CANCEL, KEEP, TestUserInput, type Answer, type MessageRecord } from '../support/testUserInput';

const LAST_REPORT_KEY = 'backupAgent.fleet.lastReport';

/** `SHA256:…` as OpenSSH prints it for a public key file. */
function sshKeygenFingerprint(publicKeyFile: string): string {
  const out = spawnSync('ssh-keygen', ['-lf', publicKeyFile], { encoding: 'utf8' });
  const fingerprint = /SHA256:\S+/.exec(out.stdout)?.[0];
  assert.ok(fingerprint, `ssh-keygen -lf: ${out.stdout}${out.stderr}`);
  return fingerprint;
}

describe('Remote servers over SSH', function () {
  this.timeout(180_000);
  let h: Harness;
  let remote: RemoteServers;
  const logged: string[] = [];
  const secrets: string[] = [];
  let restoreLog: () => void;

  /** Runs a command with arguments and scripted answers, which must all be used. */
  function run(command: string, answers: Answer[], onMessage?: (m: MessageRecord) => string | undefined, ...args: unknown[]): Promise<TestUserInput> {
    return runWith(new TestUserInput(answers, onMessage), command, ...args);
  }

  async function runWith<T extends TestUserInput>(input: T, command: string, ...args: unknown[]): Promise<T> {
    h.testing.useInput(input);
    try {
      await vscode.commands.executeCommand(command, ...args);
    } finally {
      h.testing.useInput(undefined);
    }
    input.assertDone();
    return input;
  }

  const registrations = async () => h.vault.admin.listRegistrations(h.creds.identity.name);
  /** The remote servers the Servers view lists (after this server's row). */
  const records = (): ServerRecord[] => h.testing.servers.records().filter((r) => r.id !== THIS_SERVER_ID);

  before(async function () {
    const reason = sshdUnavailableReason();
    if (reason) {
      console.warn(`    skipping: ${reason}`);
      this.skip();
    }
    h = await startHarness();
    remote = await startRemoteServers(h.dir);
    // Everything the extension logs, to look for secrets in.
    const { api } = await activateExtension();
    const log = api.log as unknown as Record<string, (message: string) => void>;
    const levels = ['trace', 'debug', 'info', 'warn', 'error'] as const;
    const originals = levels.map((level) => [level, log[level]!] as const);
    for (const [level, original] of originals) {
      log[level] = (message: string) => {
        logged.push(message);
        original.call(api.log, message);
      };
    }
    restoreLog = () => {
      for (const [level, original] of originals) log[level] = original;
    };
  });

  after(async () => {
    restoreLog?.();
    for (const r of records()) await h.testing.serverStore.remove(r.id);
    await h?.testing.extensionGlobalState.update(LAST_REPORT_KEY, undefined);
    await remote?.close();
    await h?.close();
  });

  it('"Register a Remote Server…" trusts the host key it shows, registers, lists the server and reads its status over SSH', async () => {
    const keyPassphrase = 'client key passphrase 7731';
    secrets.push(keyPassphrase);
    const key = await remote.encryptedKey('web1_key', keyPassphrase);
    const web1 = await remote.add('web1', { identityFile: key.privateKeyFile });
    const installFolder = path.join(h.dir, 'web1-agent');
    const passphraseFile = path.join(h.dir, 'keep', 'web1-passphrase.txt');
    const input = await run('backupAgent.registerRemote', [
      'web1',
      true, // trust the host key
      keyPassphrase,
      h.credentialsFile,
      'web1-at-vault',
      installFolder,
      '', // cache folder: the default
      '', // no data size
      'No proxy',
      'Generate',
      'Save to file',
      passphraseFile,
      'Register web1',
    ]);
    assert.deepEqual(input.messages.filter((m) => m.kind === 'error'), []);
    const trust = input.prompts.find((p) => p.kind === 'confirm');
    assert.ok(trust?.text?.includes(`[127.0.0.1]:${web1.sshd.port}`), trust?.text);
    assert.ok(trust?.text?.includes(sshKeygenFingerprint(`${web1.sshd.hostKey.privateKeyFile}.pub`)), trust?.text);
    assert.match(await fs.readFile(remote.knownHostsFile, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${web1.sshd.port} ssh-ed25519 `, 'm'));
    const summary = input.prompts.find((p) => p.kind === 'pick' && p.items?.some((i) => i.startsWith('Register web1')));
    assert.ok(summary?.items?.includes('Server: web1'), JSON.stringify(summary?.items));

    const registered = (await registrations()).filter((r: { serverName: string }) => r.serverName === 'web1-at-vault');
    assert.equal(registered.length, 1);
    const config = JSON.parse(await fs.readFile(path.join(installFolder, 'config', 'agent.json'), 'utf8'));
    assert.equal(config.registration.id, registered[0].registrationId);
    secrets.push((await readPassphraseFile(passphraseFile)).passphrase);

    const record = records().find((r) => r.destination === 'web1');
    assert.ok(record, JSON.stringify(records()));
    assert.equal(record.state, 'registered');
    assert.equal(record.registrationId, registered[0].registrationId);
    assert.match(String(h.testing.servers.getTreeItem(record).description), /^Registered · last checked /);
    // The window's own session still sets up this server.
    assert.equal(h.testing.session.snapshot().target.kind, 'local');

    const status = await run('backupAgent.servers.showStatus', [keyPassphrase], undefined, record);
    assert.deepEqual(status.messages, [], 'no notification: the page shows it');
    const page = await statusPage(/Registration status of web1\.md/, registered[0].registrationId);
    for (const line of ['Server:** web1', 'web1-at-vault', 'State:** Registered', installFolder, 'What the vault says:** registered since']) {
      assert.ok(page.includes(line), `the page lacks "${line}":\n${page}`);
    }
    assert.equal(status.prompts.filter((p) => p.kind === 'confirm').length, 0, 'a trusted host is not asked about again');
  });

  it('refuses a changed host key with OpenSSH\'s warning and registers nothing', async () => {
    const moved = await remote.add('moved');
    const impostor = await generateKeyPair(remote.dir, 'impostor_host_key');
    const [type, blob] = impostor.publicKey.split(' ');
    await fs.appendFile(remote.knownHostsFile, `[127.0.0.1]:${moved.sshd.port} ${type} ${blob}\n`);
    const before = (await registrations()).length;
    const input = await run('backupAgent.registerRemote', ['moved']);
    assert.equal(input.prompts.filter((p) => p.kind === 'confirm').length, 0, 'no trust prompt for a changed key');
    const error = input.messages.find((m) => m.kind === 'error');
    assert.ok(error?.text.includes('REMOTE HOST IDENTIFICATION HAS CHANGED'), JSON.stringify(input.messages));
    assert.ok(error?.text.includes(sshKeygenFingerprint(`${moved.sshd.hostKey.privateKeyFile}.pub`)), error?.text);
    assert.equal((await registrations()).length, before);
    assert.equal(records().some((r) => r.destination === 'moved'), false);
  });

  it('"Register Servers…" reports 2 registered and 1 failed, and "Register Failed Again" registers only that one', async () => {
    const hosts = [await remote.add('fleet1'), await remote.add('fleet2'), await remote.add('fleet3', { authorized: false })];
    const before = (await registrations()).length;
    const passphraseFolder = path.join(h.dir, 'fleet-passphrases');
    const reports: FleetReport[] = [];
    const onMessage = (m: MessageRecord) => {
      const report = h.testing.extensionGlobalState.get<FleetReport>(LAST_REPORT_KEY);
      if (!report || !m.actions.includes('Show Report')) return undefined;
      reports.push(report);
      if (reports.length > 1) return undefined;
      // Let the client key in, then ask for the failed server again.
      remote.authorize(hosts[2]!);
      return 'Register Failed Again';
    };
    // A user who takes a moment over each host key: another prompt meanwhile would overlap it.
    class Deliberate extends TestUserInput {
      open = 0;
      mostOpen = 0;
      override async confirm(message: string, detail: string): Promise<boolean> {
        this.mostOpen = Math.max(this.mostOpen, ++this.open);
        await new Promise((r) => setTimeout(r, 200));
        this.open--;
        return super.confirm(message, detail);
      }
    }
    const input = await runWith(
      new Deliberate(
        [
          /^fleet\d$/,
          KEEP, // nothing typed
          h.credentialsFile,
          'The same folders on every server of each platform',
          'A passphrase per server',
          passphraseFolder,
          'Register 3 Servers',
          true, // the three unknown host keys, one prompt at a time
          true,
          true,
          path.join(h.dir, 'fleet', '{server}'), // the Linux servers' folders, once their systems are known
          '',
        ],
        onMessage,
      ),
      'backupAgent.registerServers',
    );
    assert.equal(input.prompts.filter((p) => p.kind === 'confirm').length, 3);
    // The summary before the run and the report's header name the backend × agent.
    const choice = 'Vault service: local vault · agent: reference agent (Linux)';
    const summary = input.prompts.find((p) => p.items?.includes('Register 3 Servers'));
    assert.ok(summary?.items?.includes(choice), JSON.stringify(summary?.items));
    assert.equal(input.mostOpen, 1, 'the host-key prompts came one at a time');
    assert.equal(input.messages.filter((m) => m.kind === 'error').length, 0, JSON.stringify(input.messages));
    const counts = input.messages.filter((m) => m.actions.includes('Show Report')).map((m) => m.text);
    assert.deepEqual(counts, ['2 registered, 0 skipped (already registered), 1 failed.', '1 registered, 0 skipped (already registered), 0 failed.']);
    assert.ok(input.messages[0]!.actions.includes('Register Failed Again'));

    const [first, retry] = reports;
    assert.deepEqual(first!.counts, { registered: 2, skipped: 0, failed: 1, cancelled: 0 });
    assert.deepEqual([first!.backend, first!.agent], ['local', 'reference']);
    assert.equal(reportMarkdown(first!, (await activateExtension()).ext.extensionPath).split('\n')[2], choice);
    const failed = first!.rows.find((r) => r.state === 'failed');
    assert.equal(failed?.key, 'fleet3');
    assert.equal(failed?.reason?.code, 'SshAuthenticationFailed');
    assert.deepEqual(retry!.rows.map((r) => [r.key, r.state]), [['fleet3', 'registered']]);

    assert.equal((await registrations()).length, before + 3);
    for (const host of hosts) {
      const record = records().find((r) => r.destination === host.alias);
      assert.equal(record?.state, 'registered', host.alias);
      const config = JSON.parse(await fs.readFile(path.join(h.dir, 'fleet', host.alias, 'config', 'agent.json'), 'utf8'));
      assert.equal(config.registration.id, record?.registrationId);
    }
    const files = await fs.readdir(passphraseFolder);
    assert.equal(files.length, 3, 'a passphrase file per server');
    for (const file of files) secrets.push((await readPassphraseFile(path.join(passphraseFolder, file))).passphrase);
    assert.equal(h.testing.fleetRun.getChildren().length, 1, 'the Fleet Run view shows the last run');
  });

  it('chooseRemoteServer points the window\'s session at the server; useLocalTarget closes that connection', async () => {
    const { session } = h.testing;
    assert.equal(await h.testing.chooseRemoteServer(new TestUserInput([CANCEL])), false);
    assert.equal(session.snapshot().target.kind, 'local', 'cancelled: still this server');
    const chooser = new TestUserInput(['fleet1']);
    assert.equal(await h.testing.chooseRemoteServer(chooser), true);
    chooser.assertDone();
    const target = session.snapshot().target;
    assert.equal(target.kind, 'ssh');
    assert.equal(target.label, 'fleet1');
    await session.setInstallFolder(path.join(h.dir, 'fleet', 'fleet1'));
    const status = await session.refreshStatus();
    assert.equal(status.state.kind, 'registered', 'the status is read on fleet1, over SSH');
    assert.equal(vscode.workspace.getConfiguration('backupAgent').get('installFolder'), h.installFolder, "a remote server's folder is not this server's setting");
    // "Set Cache Folder…" offers fleet1's folder and clears it there, never this server's setting.
    const localCache = path.join(h.dir, 'this-server-cache');
    const remoteCache = path.join(h.dir, 'fleet', 'fleet1-cache');
    await vscode.workspace.getConfiguration('backupAgent').update('cacheFolder', localCache, vscode.ConfigurationTarget.Global);
    await session.target.setPlace({ cacheFolder: remoteCache });
    const cleared = await run('backupAgent.setCacheFolder', ['', '']);
    assert.equal(cleared.prompts[0]?.value, remoteCache, "fleet1's cache folder is offered");
    assert.equal(session.snapshot().cacheFolder, '', "fleet1's cache folder is cleared");
    assert.equal(vscode.workspace.getConfiguration('backupAgent').get('cacheFolder'), localCache, "this server's setting stays");
    const connection = session.target.target;
    assert.deepEqual((await connection.run('true', [])).outcome, { kind: 'exited', code: 0 });
    await session.useLocalTarget();
    assert.equal(session.snapshot().target.kind, 'local');
    assert.equal(session.snapshot().installFolder, h.installFolder);
    await assert.rejects(connection.run('true', []), 'the connection was closed');
  });

  it('with backupAgent.ssh.useProxy, reaches the server through the configured HTTP proxy (CONNECT)', async () => {
    const proxy = await startConnectProxy({ answer: 'tunnel' });
    const settings = () => vscode.workspace.getConfiguration('backupAgent');
    const global = vscode.ConfigurationTarget.Global;
    try {
      const host = await remote.add('viaproxy');
      await settings().update('proxy.host', '127.0.0.1', global);
      await settings().update('proxy.port', proxy.port, global);
      await settings().update('proxy.mode', 'settings', global);
      await settings().update('ssh.useProxy', true, global);
      const chooser = new TestUserInput(['viaproxy', true]); // and trust its new host key
      assert.equal(await h.testing.chooseRemoteServer(chooser), true);
      chooser.assertDone();
      assert.deepEqual(proxy.connects, [`127.0.0.1:${host.sshd.port}`], 'one tunnel, to the server');
      assert.deepEqual((await h.testing.session.target.target.run('true', [])).outcome, { kind: 'exited', code: 0 });
    } finally {
      await h.testing.session.useLocalTarget();
      for (const key of ['ssh.useProxy', 'proxy.mode', 'proxy.host', 'proxy.port']) await settings().update(key, undefined, global);
      await proxy.close();
    }
  });

  it('the Servers view re-checks every server, unregisters one over SSH and removes it from the list', async () => {
    const started = new Date().toISOString();
    const refreshed = await run('backupAgent.servers.refresh', [secrets[0]!]); // web1's key passphrase
    assert.deepEqual(refreshed.messages, []);
    for (const record of records()) {
      assert.ok(record.lastCheckedAt >= started, `${record.destination} was checked`);
      assert.equal(record.state, 'registered', record.destination);
    }
    const thisOne = h.testing.servers.records()[0];
    assert.equal(thisOne?.id, THIS_SERVER_ID, 'this server heads the list');
    assert.ok(thisOne.lastCheckedAt >= started, 'this server was checked too');
    const fleet2 = records().find((r) => r.destination === 'fleet2')!;
    await run('backupAgent.servers.unregister', [true], undefined, fleet2);
    assert.equal(records().find((r) => r.destination === 'fleet2')?.state, 'notRegistered');
    const atVault = (await registrations()).find((r: { registrationId: string }) => r.registrationId === fleet2.registrationId);
    assert.equal(atVault?.status, 'unregistered', JSON.stringify(atVault));
    await run('backupAgent.servers.remove', [true], undefined, records().find((r) => r.destination === 'fleet2'));
    assert.equal(records().some((r) => r.destination === 'fleet2'), false);
  });

  it('"Cancel" on a Fleet Run row cancels that server alone; the others finish', async () => {
    // A server that accepts the connection and never says a word: its row stays "connecting".
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => void held.add(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      await fs.appendFile(remote.configFile, ['Host silent', '  HostName 127.0.0.1', `  Port ${port}`, `  IdentityFile ${remote.clientKey.privateKeyFile}`, ''].join('\n'));
      await remote.add('fleet4');
      const before = (await registrations()).length;
      const rows = () => h.testing.fleetRun.getChildren();
      const state = (key: string) => rows().find((r) => r.key === key)?.state;
      let cancelled = false;
      const reports: string[] = [];
      const input = new TestUserInput(
        [/^(fleet4|silent)$/, KEEP, h.credentialsFile, 'The same folders on every server of each platform', 'A passphrase per server', path.join(h.dir, 'fleet-cancel-passphrases'), 'Register 2 Servers', true, path.join(h.dir, 'fleet', '{server}'), ''],
        (m) => {
          if (m.actions.includes('Show Report')) reports.push(m.text);
          return undefined;
        },
      );
      h.testing.useInput(input);
      const running = vscode.commands.executeCommand(COMMANDS.registerServers);
      try {
        // silent waits for a banner that never comes: its row is cancelled while it connects, and
        // fleet4 goes on to register (not waited for first: on a loaded machine its registration
        // can outlast silent's SSH handshake timeout, and silent would fail instead).
        const deadline = Date.now() + 60_000;
        while (state('silent') !== 'connecting') {
          assert.ok(Date.now() < deadline, `rows: ${JSON.stringify(rows().map((r) => [r.key, r.state]))}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const silentRow = rows().find((r) => r.key === 'silent')!;
        await vscode.commands.executeCommand(COMMANDS.cancelFleetServer, silentRow);
        cancelled = true;
        await running;
      } finally {
        h.testing.useInput(undefined);
      }
      assert.ok(cancelled);
      input.assertDone();
      assert.deepEqual(Object.fromEntries(rows().map((r) => [r.key, r.state])), { fleet4: 'registered', silent: 'cancelled' });
      assert.deepEqual(reports, ['1 registered, 0 skipped (already registered), 0 failed. 1 cancelled.']);
      assert.equal((await registrations()).length, before + 1);
      for (const file of await fs.readdir(path.join(h.dir, 'fleet-cancel-passphrases'))) {
        secrets.push((await readPassphraseFile(path.join(h.dir, 'fleet-cancel-passphrases', file))).passphrase);
      }
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('leaves no secret in the log, the settings or globalState', () => {
    assert.ok(logged.length > 0, 'the log was captured');
    // The tests above add 2 (web1's key passphrase and backup passphrase), 3 (fleet) and 1 (fleet4).
    assert.ok(secrets.length >= 6, `the secrets were collected: ${secrets.length}`);
    const state = h.testing.extensionGlobalState;
    const places: Record<string, string> = {
      log: logged.join('\n'),
      settings: JSON.stringify(vscode.workspace.getConfiguration('backupAgent')),
      globalState: JSON.stringify(state.keys().map((k) => [k, state.get(k)])),
    };
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(places)) assert.equal(text.includes(secret), false, `a secret is in the ${where}`);
    }
  });
});

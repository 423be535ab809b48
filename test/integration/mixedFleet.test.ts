// "Register Servers…" in the real host with a fleet mixing a Linux server (real sshd) and a
// SIMULATED Windows OpenSSH server (ssh2's server in this process with canned answers:
// test/support/simulatedWindowsSshd.ts; no Windows machine is reachable here). Each server is
// probed before the plan; the run asks for the other vault service's file and each platform's
// folders, shows each server's backend and agent, registers the Linux one against the local vault,
// and labels the Windows row simulated and never registered. What no agent can do is refused
// before anything runs. The window's single-server setup (palette, setup page) of the Windows
// server takes the Azure file, and the Servers view reads the Windows server through MARS.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { MARS_DEFAULT_INSTALL_FOLDER } from '../../src/core/config/layout';
import { agentLayout } from '../../src/core/config/layout';
import type { FleetReport } from '../../src/core/fleet';
import type { SshTarget } from '../../src/core/target/ssh/sshTarget';
import { toSftpPath } from '../../src/core/target/windows/paths';
import { THIS_SERVER_ID } from '../../src/vscode/features/servers/view';
import { issueCredentials } from '../../src/vault/issuer';
import { TEST_VAULT } from '../support/credentials-corpus';
import { startRemoteServers, type RemoteServers } from '../support/remoteServers';
import { startHarness, type Harness } from '../support/setupHarness';
import { SIMULATED_FACTS } from '../support/simulatedWindows';
import { startSimulatedWindowsSshd, type SimulatedWindowsSshd } from '../support/simulatedWindowsSshd';
import { signInToEmulator, signOutOfEmulator, type EmulatorVault } from '../support/emulatorSignIn';
import { issueTestCredentials, registerMachine, vaultClient } from '../support/vault';
import { sshdUnavailableReason } from '../support/sshd';
import { KEEP, TestUserInput, type MessageRecord } from '../support/testUserInput';

const LAST_REPORT_KEY = 'backupAgent.fleet.lastReport';

describe('A fleet mixing Linux and (simulated) Windows servers', function () {
  this.timeout(240_000);
  let h: Harness;
  let remote: RemoteServers;
  let windows: SimulatedWindowsSshd;
  let azureFile: string;

  before(async function () {
    const reason = sshdUnavailableReason();
    if (reason) {
      console.warn(`    skipping: ${reason}`);
      this.skip();
    }
    h = await startHarness();
    remote = await startRemoteServers(h.dir);
    windows = await startSimulatedWindowsSshd(await fs.mkdtemp(path.join(h.dir, 'win-')));
    // Reachable as `win1` through the same ssh config and known_hosts as the real sshd servers.
    await fs.appendFile(remote.configFile, ['Host win1', '  HostName 127.0.0.1', `  Port ${windows.port}`, `  User ${windows.user}`, `  IdentityFile ${windows.clientKeyFile}`, ''].join('\n'));
    await fs.appendFile(remote.knownHostsFile, `${windows.knownHostsLine}\n`);
    const issued = await issueCredentials({ vault: TEST_VAULT, endpoint: 'https://pod01-id1.weu.backup.windowsazure.com', agentLinks: [{ name: 'MARSAgentInstaller', url: 'https://aka.ms/azurebackup_agent' }] });
    azureFile = path.join(h.dir, issued.fileName);
    await fs.writeFile(azureFile, issued.xml, { mode: 0o600 });
    h.testing.simulateFleetServers((target) => (target as SshTarget).label?.includes(`:${windows.port}`) || (target as SshTarget).label === 'win1');
  });

  after(async () => {
    // The Servers list is the window's: the servers of this file stop with it, so they leave the list too.
    for (const r of h?.testing.servers.records() ?? []) if (r.id !== THIS_SERVER_ID) await h.testing.serverStore.remove(r.id);
    h?.testing.simulateFleetServers(undefined);
    await h?.testing.extensionGlobalState.update(LAST_REPORT_KEY, undefined);
    await windows?.close();
    await remote?.close();
    await h?.close();
  });

  /** What the MARS driver leaves on the (simulated) Windows server once registered with `vault`: its configuration, no secret, in its install folder. */
  function putMarsConfig(vault: EmulatorVault) {
    const folder = MARS_DEFAULT_INSTALL_FOLDER;
    const sftpName = toSftpPath(agentLayout({ pathStyle: 'win32' }, folder).configFile);
    for (let at = sftpName.indexOf('/', 1); at > 0; at = sftpName.indexOf('/', at + 1)) windows.simulation.folders.add(sftpName.slice(0, at));
    const now = new Date().toISOString();
    const config = {
      formatVersion: 1,
      machineId: randomUUID(),
      serverName: SIMULATED_FACTS.hostname,
      agentVersion: '2.0.9262.0',
      installFolder: folder,
      cacheFolder: `${folder}\\Scratch`,
      proxy: { mode: 'off', host: '', port: 3128, user: '', noProxy: [], passwordFile: null },
      vault: { name: vault.name, subscriptionId: vault.subscriptionId, resourceGroup: vault.resourceGroup, location: vault.location, resourceId: '1', endpoint: 'https://pod01-id1.weu.backup.windowsazure.com' },
      registration: { id: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', registeredAt: now },
      passphrase: null,
      updatedAt: now,
    };
    windows.simulation.files.set(sftpName, Buffer.from(JSON.stringify(config)));
    return config;
  }

  it('shows each server its agent and backend, registers the Linux one with the local vault, and labels the Windows row simulated', async () => {
    await remote.add('lin1');
    const before = (await h.vault.admin.listRegistrations(h.creds.identity.name)).filter((r) => r.status === 'registered').length;
    let report: FleetReport | undefined;
    const onMessage = (m: MessageRecord) => {
      if (m.actions.includes('Show Report')) report = h.testing.extensionGlobalState.get<FleetReport>(LAST_REPORT_KEY);
      return undefined;
    };
    const input = await h.run(
      'backupAgent.registerServers',
      [
        /^(lin1|win1)$/,
        KEEP,
        h.credentialsFile,
        'The same folders on every server of each platform',
        'A passphrase per server',
        path.join(h.dir, 'mixed-passphrases'),
        /Register 2 Servers/,
        true, // lin1's host key
        azureFile, // the file for the servers that need the MARS agent
        // Each platform's folders, once the servers' systems are known: the Linux server's, then the Windows server's.
        path.join(h.dir, 'mixed', '{server}'),
        '',
        '/srv/backup/{server}', // a Linux folder, refused for the Windows servers by the core's rule for their paths
        MARS_DEFAULT_INSTALL_FOLDER, // MARS's own install folder, as offered
        '',
      ],
      onMessage,
    );
    const asked = input.prompts.find((p) => p.kind === 'openFile');
    assert.match(asked?.title ?? '', /MARS agent \(Windows\)/, 'the run asks for the MARS servers\' file');
    const folderPrompts = input.prompts.filter((p) => p.kind === 'input' && /^(Install|Cache) folder for/.test(p.title ?? ''));
    assert.deepEqual(
      [...new Set(folderPrompts.map((p) => p.title))],
      [
        'Install folder for the servers that need the reference agent (Linux)',
        'Cache folder for the servers that need the reference agent (Linux)',
        'Install folder for the servers that need the MARS agent (Windows)',
        'Cache folder for the servers that need the MARS agent (Windows)',
      ],
      'each platform asked its own folders, once',
    );
    assert.equal(folderPrompts[2]!.value, MARS_DEFAULT_INSTALL_FOLDER, "the MARS folder offered is the installer's own");
    assert.deepEqual(input.validationMessages, ['The install folder must be an absolute path on Windows: /srv/backup/{server}']);
    assert.ok(report, inspect(input.messages));
    const rows = Object.fromEntries(report!.rows.map((r) => [r.key, r]));
    assert.equal(rows.lin1?.state, 'registered', inspect(rows.lin1));
    assert.deepEqual([rows.lin1?.backend, rows.lin1?.agent], ['local', 'reference']);
    assert.equal(rows.lin1?.simulated, undefined);
    const registered = (await h.vault.admin.listRegistrations(h.creds.identity.name)).filter((r) => r.status === 'registered').length;
    assert.equal(registered, before + 1, 'only the Linux server registered with the local vault');

    const win = rows.win1!;
    assert.deepEqual([win.backend, win.agent], ['azure', 'mars'], inspect(win));
    assert.equal(win.simulated, true, inspect(win));
    // Its own platform's folder (a drive path) took it past the install folder's check (the wizard's
    // one POSIX folder for every server stopped it at InstallFolderNotAbsolute) to the MARS driver's
    // steps: MARS has no check this setup runs on the server, so the vault was checked from this
    // computer, where no Azure is reachable, and the row ends there, labelled simulated.
    assert.notEqual(win.reason?.code, 'InstallFolderNotAbsolute', inspect(win));
    assert.equal(win.stage, 'checkConnectivity', inspect(win));
    assert.equal(win.state, 'failed', inspect(win));
    assert.equal(win.registrationId, undefined);
    assert.equal(report!.counts.registered, 1, inspect(report!.rows));
    // Nothing of the reference agent reached the Windows server: no package, no `node main.js`.
    assert.ok(!windows.simulation.scripts.some((s) => /main\.js|backup-agent-[\d.]+\.tgz/.test(s)), 'no reference-agent step ran on the Windows server');
    assert.ok(![...windows.sftpWrites.keys()].some((p) => /\.tgz$|main\.js$/.test(p)), 'no reference-agent file was sent');
  });

  it('refuses, before anything runs, the Windows server when the run has no file for its agent', async () => {
    let report: FleetReport | undefined;
    const before = windows.simulation.scripts.length;
    const input = await h.run(
      'backupAgent.registerServers',
      [/^win1$/, KEEP, h.credentialsFile, 'The same folders on every server of each platform', 'A passphrase per server', path.join(h.dir, 'mixed2-passphrases'), /Register 1 Servers/, false],
      (m) => {
        if (m.actions.includes('Show Report')) report = h.testing.extensionGlobalState.get<FleetReport>(LAST_REPORT_KEY);
        return undefined;
      },
    );
    assert.ok(report);
    assert.ok(!input.prompts.some((p) => /folder for the servers/.test(p.title ?? '')), 'no folder asked for a platform no server of the run gets');
    const win = report!.rows[0]!;
    assert.equal(win.state, 'failed', inspect(win));
    assert.equal(win.reason?.code, 'AgentNeedsLinux', inspect(win));
    // Only the probe's facts ran there.
    assert.ok(windows.simulation.scripts.slice(before).every((s) => s.includes('Win32_OperatingSystem')), inspect(windows.simulation.scripts.slice(before)));
  });

  it("the single-server setup of the Windows server takes the Azure file (Azure, MARS) and refuses the local vault's by name", async () => {
    const { session } = h.testing;
    const chooser = new TestUserInput(['win1']);
    assert.equal(await h.testing.chooseRemoteServer(chooser), true);
    chooser.assertDone();
    try {
      const azure = await session.selectCredentials(azureFile);
      assert.ok(azure.ok, inspect(azure));
      assert.deepEqual([azure.value.backend, azure.value.agent], ['azure', 'mars']);
      assert.equal(await (await session.getService()).agentKind(), 'mars', "the session's service is the Azure vault's, with the MARS driver");
      const local = await session.checkCredentials(h.credentialsFile);
      assert.equal(local.ok ? 'accepted' : local.error.code, 'AgentNeedsLinux');
    } finally {
      await session.useLocalTarget();
      await session.selectCredentials(h.credentialsFile);
    }
  });

  it("the Servers view reads the Windows server through MARS (not the local vault's agent): what the server says, the vault's view needing sign-in, shown simulated", async () => {
    const config = putMarsConfig({ name: TEST_VAULT.name, subscriptionId: TEST_VAULT.subscriptionId, resourceGroup: TEST_VAULT.resourceGroup, location: TEST_VAULT.location });
    const folder = MARS_DEFAULT_INSTALL_FOLDER;
    const now = config.updatedAt;
    const id = `${windows.user}@127.0.0.1:${windows.port}`;
    await h.testing.serverStore.put({ id, destination: 'win1', installFolder: folder, serverName: '', state: 'notRegistered', lastCheckedAt: now });
    await vscode.commands.executeCommand('backupAgent.servers.refresh');
    const record = h.testing.serverStore.get(id);
    assert.ok(record, 'the Windows server is on the list');
    // Read through the local vault's service it was AgentNeedsLinux; through MARS, signed out of Azure,
    // the server's own record with the vault's view named as needing sign-in, and no failure.
    assert.equal(record.problem, undefined, inspect(record));
    assert.equal(record.vaultView, 'signInNeeded', inspect(record));
    assert.equal(record.registrationId, config.registration.id, "the server's own record");
    assert.equal(record.state, 'simulated', 'a simulated shell is never shown as registered');
    const item = h.testing.servers.getTreeItem(record);
    assert.match(String(item.description), /^Simulated, not registered · vault's view: sign in to Azure · last checked /);
    assert.match(String(item.tooltip), /This is what the server itself says\. Sign in to Azure to see the vault's view of it\./);
    assert.ok(!/AgentNeedsLinux/.test(JSON.stringify(record)));

    // The window's session on that server, the local vault's file still selected and no folder given:
    // its status (as Show Status, Change and Unregister read it) is MARS's too, in the installer's own folder.
    const chooser = new TestUserInput(['win1']);
    assert.equal(await h.testing.chooseRemoteServer(chooser), true);
    try {
      const status = await h.testing.session.refreshStatus();
      assert.equal(status.installFolder, folder);
      assert.equal(status.config?.registration?.id, config.registration.id, inspect(status));
      assert.ok(!/AgentNeedsLinux/.test(JSON.stringify(status)), inspect(status));
    } finally {
      await h.testing.session.useLocalTarget();
    }
  });

  it("signed in to Azure (the local vault's Resource Manager emulator), a Windows server's status is the vault's view through Resource Manager: registered while the vault lists it, revoked once it does not", async () => {
    const vault: EmulatorVault = { name: 'mars-view', subscriptionId: randomUUID(), resourceGroup: 'rg-mars', location: 'westeurope' };
    await signInToEmulator(h, vault);
    const { session } = h.testing;
    try {
      // Signing in (the test provider holds the emulator's token: nothing is asked).
      assert.ok(await h.testing.azure.signIn.signIn(new TestUserInput([])));
      // The vault's registration of the server by its name (as Start-OBRegistration would leave it), and the driver's configuration naming that vault.
      const client = vaultClient(h.vault, (await issueTestCredentials(h.vault, vault.name)).client);
      let registrationId: string;
      try {
        registrationId = (await registerMachine(client, { serverName: SIMULATED_FACTS.hostname })).registrationId;
      } finally {
        await client.close();
      }
      putMarsConfig(vault);
      const id = `${windows.user}@127.0.0.1:${windows.port}`;
      await vscode.commands.executeCommand('backupAgent.servers.refresh');
      const record = h.testing.serverStore.get(id);
      assert.equal(record?.problem, undefined, inspect(record));
      assert.equal(record?.vaultView, undefined, "signed in, the vault's view was read");
      assert.equal(record?.state, 'simulated', 'a simulated shell is never shown as registered');

      // The same read as the session's status of that server: the vault's answer, through the MARS driver.
      const chooser = new TestUserInput(['win1']);
      assert.equal(await h.testing.chooseRemoteServer(chooser), true);
      assert.ok((await session.selectCredentials(azureFile)).ok);
      const service = await session.getService();
      const listed = await service.status({ installFolder: MARS_DEFAULT_INSTALL_FOLDER });
      assert.ok(listed.remote?.ok, inspect(listed.remote));
      assert.equal(listed.remote.registration.status, 'registered');
      assert.equal(listed.state.kind, 'registered');
      await h.vault.admin.revokeRegistration(registrationId);
      const gone = await service.status({ installFolder: MARS_DEFAULT_INSTALL_FOLDER });
      assert.equal(gone.state.kind, 'revoked', inspect(gone.remote));
    } finally {
      await session.useLocalTarget();
      await session.selectCredentials(h.credentialsFile);
      await signOutOfEmulator(h);
    }
  });
});

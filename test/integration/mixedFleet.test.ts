// "Register Servers…" in the real host with a fleet mixing a Linux server (real sshd) and a
// SIMULATED Windows OpenSSH server (ssh2's server in this process with canned answers:
// test/support/simulatedWindowsSshd.ts; no Windows machine is reachable here). Each server is
// probed before the plan; the run asks for the other vault service's file, shows each server's
// backend and agent, registers the Linux one against the local vault, and labels the Windows row
// simulated and never registered. What no agent can do is refused before anything runs. The
// window's single-server setup (palette, setup page) of the Windows server takes the Azure file.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { FleetReport } from '../../src/core/fleet';
import type { SshTarget } from '../../src/core/target/ssh/sshTarget';
import { THIS_SERVER_ID } from '../../src/vscode/features/servers/view';
import { issueCredentials } from '../../src/vault/issuer';
import { TEST_VAULT } from '../support/credentials-corpus';
import { startRemoteServers, type RemoteServers } from '../support/remoteServers';
import { startHarness, type Harness } from '../support/setupHarness';
import { startSimulatedWindowsSshd, type SimulatedWindowsSshd } from '../support/simulatedWindowsSshd';
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
        'The same folders on every server',
        path.join(h.dir, 'mixed', '{server}'),
        '',
        'A passphrase per server',
        path.join(h.dir, 'mixed-passphrases'),
        /Register 2 Servers/,
        true, // lin1's host key
        azureFile, // the file for the servers that need the MARS agent
      ],
      onMessage,
    );
    const asked = input.prompts.find((p) => p.kind === 'openFile');
    assert.match(asked?.title ?? '', /MARS agent \(Windows\)/, 'the run asks for the MARS servers\' file');
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
    // The wizard's one folder for every server is a POSIX folder here, which no Windows server has:
    // refused by name before anything ran there (it was an unexplained 'Unexpected' before). The
    // MARS driver's own steps are not reached in this run (unit tests: test/unit/agents, fleet/mixed).
    assert.equal(win.reason?.code, 'InstallFolderNotAbsolute', inspect(win));
    assert.notEqual(win.state, 'registered');
    assert.equal(win.registrationId, undefined);
    assert.equal(report!.counts.registered, 1, inspect(report!.rows));
    // Nothing of the reference agent reached the Windows server: no package, no `node main.js`.
    assert.ok(!windows.simulation.scripts.some((s) => /main\.js|backup-agent-[\d.]+\.tgz/.test(s)), 'no reference-agent step ran on the Windows server');
    assert.ok(![...windows.sftpWrites.keys()].some((p) => /\.tgz$|main\.js$/.test(p)), 'no reference-agent file was sent');
  });

  it('refuses, before anything runs, the Windows server when the run has no file for its agent', async () => {
    let report: FleetReport | undefined;
    const before = windows.simulation.scripts.length;
    await h.run(
      'backupAgent.registerServers',
      [/^win1$/, KEEP, h.credentialsFile, 'The same folders on every server', path.join(h.dir, 'mixed2', '{server}'), '', 'A passphrase per server', path.join(h.dir, 'mixed2-passphrases'), /Register 1 Servers/, false],
      (m) => {
        if (m.actions.includes('Show Report')) report = h.testing.extensionGlobalState.get<FleetReport>(LAST_REPORT_KEY);
        return undefined;
      },
    );
    assert.ok(report);
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
});

// A fleet mixing Linux and Windows servers: the plan gives each server the file whose agent runs
// on its operating system, shows each server's agent and backend, registers the Linux ones
// against the real local vault over real sshd, and refuses what no agent can do before anything
// runs. The Windows servers are a simulated shell (a test double of the Target interface: no
// Windows machine is reachable here); their rows are labelled simulated and never registered.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { startFleet, type AgentFolders, type FleetInput, type FleetOptions, type FleetServer, type ServerRow } from '../../../src/core/fleet';
import { agentLayout } from '../../../src/core/config/layout';
import { readAgentConfig } from '../../../src/core/config/agentConfig';
import { LocalTarget } from '../../../src/core/target/local';
import { isSetupError } from '../../../src/core/errors';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { Secret } from '../../../src/core/secret';
import { SetupService } from '../../../src/core/service';
import type { CommandResult, HostFacts, Target } from '../../../src/core/target/target';
import { endpointKey } from '../../../src/core/trust/endpoint';
import { issueCredentials } from '../../../src/vault/issuer';
import { TEST_VAULT } from '../../support/credentials-corpus';
import { fleetServerFor, startFleetServers, type FleetServers } from '../../support/fleetServers';
import { captureLogger, startServiceVault, tempDir, TEST_PASSPHRASE, writeCredentials } from '../../support/service';
import { sshdUnavailableReason } from '../../support/sshd';
import { createVaultWithCredentials, type TestVault } from '../../support/vault';

/** A Windows server as a simulated shell: its facts say Windows; it has no files and runs nothing. */
class SimulatedWindowsTarget implements Target {
  readonly isLocal = false;
  readonly pathStyle = 'win32' as const;
  readonly ran: string[] = [];
  constructor(readonly id: string, readonly label: string) {}
  async facts(): Promise<HostFacts> {
    return { hostname: this.label, platform: 'win32', arch: 'x64', osName: 'Windows_NT', osVersion: '10.0.17763', homeDir: 'C:\\Users\\admin', elevated: true };
  }
  async run(command: string): Promise<CommandResult> {
    this.ran.push(command);
    return { outcome: { kind: 'notFound' }, stdout: '', stderr: '' };
  }
  async stat() {
    return undefined;
  }
  async readFile(p: string): Promise<Buffer> {
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  }
  async writeFileAtomic(): Promise<void> {
    throw new Error('a simulated shell keeps no files');
  }
  async mkdir(): Promise<void> {
    throw new Error('a simulated shell keeps no files');
  }
  async readdir(): Promise<string[]> {
    return [];
  }
  async rename(): Promise<void> {
    throw new Error('a simulated shell keeps no files');
  }
  async symlink(): Promise<void> {
    throw new Error('a simulated shell keeps no files');
  }
  async remove(): Promise<void> {}
  async freeSpace(): Promise<never> {
    throw new Error('a simulated shell has no disks');
  }
  async reach(): Promise<never> {
    throw new Error('a simulated shell has no network');
  }
  async close(): Promise<void> {}
}

describe('a fleet mixing Linux and Windows servers', function () {
  this.timeout(300_000);
  let vault: TestVault;
  let servers: FleetServers;
  let root: string;

  before(async function () {
    const reason = sshdUnavailableReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
    vault = await startServiceVault();
    servers = await startFleetServers(2);
    root = await tempDir('fleet-mixed-');
  });
  after(async () => {
    await servers?.close();
    await vault?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  const windows = (key: string): FleetServer => ({ key, destination: { host: `${key}.example.test`, port: 22, user: 'admin' } as FleetServer['destination'], serverName: key, installFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent' });

  async function files() {
    const local = await writeCredentials(root, (await createVaultWithCredentials(vault)).file);
    const issued = await issueCredentials({ vault: TEST_VAULT, endpoint: 'https://pod01-id1.weu.backup.windowsazure.com', agentLinks: [{ name: 'MARSAgentInstaller', url: 'https://aka.ms/azurebackup_agent' }] });
    const azure = path.join(root, issued.fileName);
    await fs.writeFile(azure, issued.xml, { mode: 0o600 });
    return { local, azure };
  }

  function run(list: FleetServer[], input: Pick<FleetInput, 'credentialsFile' | 'credentialsFiles'> & Partial<Pick<FleetInput, 'concurrency'>>, extra: Partial<FleetOptions> = {}) {
    const logger = captureLogger();
    const simulated = new Map<string, SimulatedWindowsTarget>();
    const opened: string[] = [];
    const probed: string[] = [];
    const services: Array<[string, SetupService]> = [];
    const isWindows = (s: FleetServer) => s.key.startsWith('win');
    const options: FleetOptions = {
      logger,
      openTarget: async (server, signal) => {
        opened.push(server.key);
        if (!isWindows(server)) return servers.openTarget(server, signal, logger);
        const target = new SimulatedWindowsTarget(`ssh://admin@${server.key}:22`, `admin@${server.key}`);
        simulated.set(server.key, target);
        return target;
      },
      probe: async (server, signal) => {
        probed.push(server.key);
        // A server that never answers (hung*): probed until its row is cancelled.
        if (server.key.startsWith('hung')) return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
        if (isWindows(server)) return { platform: 'win32' };
        const target = await servers.openTarget(server, signal ?? new AbortController().signal, logger);
        try {
          return await target.facts(signal);
        } finally {
          await target.close();
        }
      },
      isSimulated: (target) => target instanceof SimulatedWindowsTarget,
      createService: (target, choice) => {
        const service = new SetupService({
          target,
          logger,
          backend: choice.backend,
          // What an adapter gives the MARS driver; a simulated shell never gets as far as asking.
          mars: {
            settings: { installerRoute: 'server', microsoftUpdate: false },
            askSecurityPin: async () => undefined,
            removeAtVault: async () => {
              throw new Error('not reached');
            },
            readAtVault: async () => {
              throw new Error('not reached');
            },
          },
          trust: [{ endpoint: endpointKey(vault.url), pem: vault.caCertPem }],
          downloadCacheDir: path.join(root, 'packages'),
          network: { requestTimeoutMs: 10_000, retry: { retries: 2, baseDelayMs: 50, maxDelayMs: 200 } },
        });
        services.push([target.label, service]);
        return service;
      },
      ...extra,
    };
    const fleet = startFleet(
      { servers: list, ...input, proxy: parseProxySettings({ mode: 'off' }), dataSizeBytes: 1024 * 1024, passphrase: { kind: 'shared', value: new Secret(TEST_PASSPHRASE) } },
      options,
    );
    return { fleet, opened, probed, simulated, services };
  }

  const byKey = (rows: ServerRow[]) => Object.fromEntries(rows.map((r) => [r.key, r]));

  it('gives each server its agent and backend, registers the Linux ones with the local vault, never reports a simulated Windows row as registered', async () => {
    const { local, azure } = await files();
    const list = [fleetServerFor(servers.sshds[0]!, servers.client, 'linux0', root), windows('win0'), fleetServerFor(servers.sshds[1]!, servers.client, 'linux1', root)];
    const { fleet, probed, simulated, services } = run(list, { credentialsFile: local, credentialsFiles: [azure] });
    const report = await fleet.report;
    const rows = byKey(report.rows);
    assert.deepEqual(new Set(probed), new Set(['linux0', 'win0', 'linux1']), 'every server is probed before the run');
    for (const key of ['linux0', 'linux1']) {
      assert.equal(rows[key]!.state, 'registered', inspect(rows[key]));
      assert.equal(rows[key]!.backend, 'local');
      assert.equal(rows[key]!.agent, 'reference');
      assert.ok(rows[key]!.registrationId);
      assert.equal(rows[key]!.simulated, undefined);
    }
    const registered = (await vault.admin.listRegistrations((await fs.readFile(local, 'utf8')).match(/<ResourceName>([^<]+)</)![1]!)).filter((r) => r.status === 'registered');
    assert.deepEqual(new Set(registered.map((r) => r.serverName)), new Set([list[0]!.serverName, list[2]!.serverName]));

    const win = rows.win0!;
    assert.equal(win.backend, 'azure');
    assert.equal(win.agent, 'mars');
    assert.equal(win.simulated, true);
    assert.notEqual(win.state, 'registered');
    // MARS has no check of its own from the server: the admin's check still runs for it (and finds no Azure here).
    assert.equal(win.stage, 'checkConnectivity', inspect(win));
    assert.equal(win.registrationId, undefined);
    assert.ok(simulated.has('win0'));
    // The core chose each server's driver from its platform and backend: MARS for the Windows one.
    assert.equal(await services.find(([label]) => label === 'admin@win0')![1].agentKind(), 'mars');
    const others = services.filter(([label]) => label !== 'admin@win0');
    assert.equal(others.length, 2);
    for (const [, service] of others) assert.equal(await service.agentKind(), 'reference');
    assert.equal(report.counts.registered, 2, inspect(report.rows));
  });

  it('refuses, before anything runs, a Windows server with only a local-vault file and a Linux server with only an Azure file', async () => {
    const { local, azure } = await files();
    const onlyLocal = run([windows('win1'), fleetServerFor(servers.sshds[0]!, servers.client, 'linux2', root)], { credentialsFile: local });
    const a = byKey((await onlyLocal.fleet.report).rows);
    assert.equal(a.win1!.state, 'failed');
    assert.equal(a.win1!.reason?.code, 'AgentNeedsLinux', inspect(a.win1));
    assert.ok(!onlyLocal.opened.includes('win1'), 'the refused server is not attempted');

    const onlyAzure = run([fleetServerFor(servers.sshds[1]!, servers.client, 'linux3', root)], { credentialsFile: azure });
    const b = byKey((await onlyAzure.fleet.report).rows);
    assert.equal(b.linux3!.state, 'failed');
    assert.equal(b.linux3!.reason?.code, 'AgentNeedsWindows', inspect(b.linux3));
    assert.equal(b.linux3!.reason?.params.targetOs, 'Linux');
    assert.deepEqual(onlyAzure.opened, [], 'nothing ran on it');
  });

  it('takes one credentials file per backend: two local-vault files are refused before any server is contacted', async () => {
    const first = await files();
    const second = await files();
    const twice = run([fleetServerFor(servers.sshds[0]!, servers.client, 'linux4', root)], { credentialsFile: first.local, credentialsFiles: [second.local] });
    await assert.rejects(twice.fleet.report, (err) => isSetupError(err, 'FleetCredentialsPerBackend'));
    assert.deepEqual(twice.probed, []);
  });

  it('asks, once every server is probed, for the file of an agent no file is for; a row cancelled while probed ends cancelled, not attempted', async () => {
    const { local, azure } = await files();
    const asked: string[] = [];
    const rowsSeen: Array<[string, string]> = [];
    const fleetRun: ReturnType<typeof run> = run([windows('win2'), windows('hung0'), fleetServerFor(servers.sshds[0]!, servers.client, 'linux5', root)], { credentialsFile: local }, {
      fileFor: async (agent) => {
        asked.push(agent);
        return azure;
      },
      onUpdate: (row) => {
        rowsSeen.push([row.key, row.state]);
        // The user cancels the row of the server that does not answer while it is being reached.
        if (row.key === 'hung0' && row.state === 'connecting') setImmediate(() => fleetRun.fleet.cancel('hung0'));
      },
    });
    const report = await fleetRun.fleet.report;
    const rows = byKey(report.rows);
    assert.deepEqual(asked, ['mars'], 'asked once, for the agent the Windows server needs');
    assert.equal(rows.win2!.backend, 'azure');
    assert.equal(rows.win2!.agent, 'mars');
    assert.equal(rows.win2!.simulated, true);
    assert.equal(rows.linux5!.state, 'registered', inspect(rows.linux5));
    assert.equal(rows.hung0!.state, 'cancelled', inspect(rows.hung0));
    assert.ok(rowsSeen.some(([key, state]) => key === 'hung0' && state === 'connecting'), 'its row said it was being reached');
    assert.ok(!fleetRun.opened.includes('hung0'), 'the cancelled server is not attempted');
    assert.equal(report.counts.cancelled, 1);
  });

  it("asks each platform's folders once, for the agents its servers get, before any server starts; each server takes its own agent's", async () => {
    const { local, azure } = await files();
    const asked: string[] = [];
    const startedBeforeAsked: string[] = [];
    const linux = { ...fleetServerFor(servers.sshds[0]!, servers.client, 'linux6', root), installFolder: undefined };
    const win = { ...windows('win3'), installFolder: undefined };
    const folders: Record<string, AgentFolders> = {
      reference: { installFolder: path.join(root, 'per-platform', '{server}') },
      mars: { installFolder: 'D:\\Backup\\{server}' },
    };
    const fleetRun: ReturnType<typeof run> = run([win, linux], { credentialsFile: local, credentialsFiles: [azure] }, {
      foldersFor: async (agent) => {
        asked.push(agent);
        startedBeforeAsked.push(...fleetRun.opened);
        return folders[agent];
      },
    });
    const rows = byKey((await fleetRun.fleet.report).rows);
    assert.deepEqual(asked, ['reference', 'mars'], 'once per agent, in the order of their files');
    assert.deepEqual(startedBeforeAsked, [], 'asked before any server started');
    assert.equal(rows.linux6!.state, 'registered', inspect(rows.linux6));
    const config = await readAgentConfig(new LocalTarget(), agentLayout(new LocalTarget(), path.join(root, 'per-platform', 'linux6')));
    assert.equal(config?.registration?.id, rows.linux6!.registrationId, "the Linux server's agent is in its platform's folder, {server} replaced");
    // The Windows server got the MARS folder (a drive path): past the install folder's check, to the MARS driver's steps.
    assert.notEqual(rows.win3!.reason?.code, 'InstallFolderNotAbsolute', inspect(rows.win3));
    assert.equal(rows.win3!.simulated, true);
    assert.notEqual(rows.win3!.state, 'registered');

    // A run of Linux servers only is asked the Linux folders only.
    asked.length = 0;
    const linuxOnly = run([{ ...fleetServerFor(servers.sshds[1]!, servers.client, 'linux7', root), installFolder: undefined }], { credentialsFile: local, credentialsFiles: [azure] }, {
      foldersFor: async (agent) => (asked.push(agent), folders[agent]),
    });
    assert.equal((await linuxOnly.fleet.report).rows[0]!.state, 'registered');
    assert.deepEqual(asked, ['reference']);
  });

  it('a folder question dismissed cancels the run: nothing more is asked and no server is attempted', async () => {
    const { local, azure } = await files();
    const asked: string[] = [];
    const controller = new AbortController();
    const dismissed = run([{ ...windows('win4'), installFolder: undefined }, { ...fleetServerFor(servers.sshds[0]!, servers.client, 'linux8', root), installFolder: undefined }], { credentialsFile: local, credentialsFiles: [azure] }, {
      signal: controller.signal,
      // As the window does when the admin presses Escape: the run is cancelled, no folders given.
      foldersFor: async (agent) => (asked.push(agent), controller.abort(), undefined),
    });
    const report = await dismissed.fleet.report;
    assert.deepEqual(asked, ['reference']);
    assert.deepEqual(dismissed.opened, []);
    assert.deepEqual(report.rows.map((r) => r.state), ['cancelled', 'cancelled'], inspect(report.rows));
  });

  it("runs a server on its probe's connection when the probe hands it over, for as many servers as run at once; the others' and a refused server's are closed", async () => {
    const { local } = await files();
    const handed: string[] = [];
    const closed: string[] = [];
    const list = [fleetServerFor(servers.sshds[0]!, servers.client, 'linux6', root), windows('win3'), fleetServerFor(servers.sshds[1]!, servers.client, 'linux7', root)];
    const fleetRun = run(list, { credentialsFile: local, concurrency: 1 }, {
      // As the window's probe does: the connection the facts were read through goes to the run.
      probe: async (server, signal) => {
        const target = server.key.startsWith('win')
          ? new SimulatedWindowsTarget(`ssh://admin@${server.key}:22`, `admin@${server.key}`)
          : await servers.openTarget(server, signal ?? new AbortController().signal, captureLogger());
        const close = target.close.bind(target);
        target.close = async () => {
          closed.push(server.key);
          await close();
        };
        handed.push(server.key);
        return { platform: (await target.facts(signal)).platform, target };
      },
    });
    const report = await fleetRun.fleet.report;
    const rows = byKey(report.rows);
    assert.deepEqual(handed, ['linux6', 'win3', 'linux7']);
    assert.equal(rows.linux6!.state, 'registered', inspect(rows.linux6));
    assert.equal(rows.linux7!.state, 'registered', inspect(rows.linux7));
    assert.equal(rows.win3!.reason?.code, 'AgentNeedsLinux', inspect(rows.win3));
    assert.deepEqual(fleetRun.opened, ['linux7'], 'the first server ran on its probe\'s connection; the one further down the queue connected again');
    assert.deepEqual(new Set(closed), new Set(['linux6', 'win3', 'linux7']), 'every probe connection is closed: after its run, or once it was not kept');
    assert.equal(closed.length, 3);
  });
});

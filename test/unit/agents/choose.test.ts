/**
 * The core chooses the agent driver from the target's probed platform and the vault backend (one
 * rule, vault/choose.ts, which the fleet's plan applies too): a Windows server of an Azure vault
 * gets the MARS driver, a POSIX server of the local vault the reference agent, and every other
 * pair is refused before anything runs. The targets are this machine (LocalTarget) with its facts
 * overridden to name the platform under test; the connectivity check runs against the real local vault.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { agentForPlatform, agentForServer, BACKEND_AGENT } from '../../../src/core/vault/choose';
import { isSetupError } from '../../../src/core/errors';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import type { SetupServiceOptions } from '../../../src/core/service';
import { LocalTarget } from '../../../src/core/target/local';
import type { HostFacts, Target } from '../../../src/core/target/target';
import { fileForServer, type FleetFile } from '../../../src/core/fleet/plan';
import { overriding } from '../../support/targets';
import { serviceFor, startServiceVault, tempDir } from '../../support/service';
import type { TestVault } from '../../support/vault';
import type { AgentDriver, InstallOptions } from '../../../src/core/agents/driver';
import { issueCredentials } from '../../../src/vault/issuer';
import { TEST_VAULT } from '../../support/credentials-corpus';

const WINDOWS: Partial<HostFacts> = { platform: 'win32', osName: 'Windows_NT', osVersion: '10.0.17763', homeDir: 'C:\\Users\\admin' };
const LINUX: Partial<HostFacts> = { platform: 'linux' };

/** This machine, claiming `facts`, and counting what ran on it. */
function targetClaiming(facts: Partial<HostFacts>, ran: string[] = []): Target {
  const base = new LocalTarget();
  return overriding(base, {
    isLocal: false,
    ...(facts.platform === 'win32' ? { pathStyle: 'win32' as const } : {}),
    facts: async () => ({ ...(await base.facts()), ...facts }),
    run: async (command, args, options) => {
      ran.push(command);
      return base.run(command, args, options);
    },
  });
}

const MARS_HOOKS: NonNullable<SetupServiceOptions['mars']> = {
  settings: { installerRoute: 'admin', microsoftUpdate: false },
  askSecurityPin: async () => undefined,
  removeAtVault: async () => {
    throw new Error('not reached');
  },
  readAtVault: async () => {
    throw new Error('not reached');
  },
};

describe('The core chooses the agent driver', function () {
  this.timeout(60_000);
  let root: string;
  let vault: TestVault;
  before(async () => {
    root = await tempDir('agent-choice-');
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('has one rule: the backend names the agent, the platform must run it', () => {
    assert.deepEqual(BACKEND_AGENT, { azure: 'mars', local: 'reference' });
    assert.equal(agentForPlatform('win32'), 'mars');
    for (const p of ['linux', 'darwin', 'freebsd']) assert.equal(agentForPlatform(p), 'reference');
    assert.equal(agentForServer('azure', { platform: 'win32' }, 'ws'), 'mars');
    assert.equal(agentForServer('local', { platform: 'linux' }, 'lx'), 'reference');
    assert.throws(() => agentForServer('azure', { platform: 'linux' }, 'lx'), (err) => isSetupError(err, 'AgentNeedsWindows') && err.params.targetOs === 'Linux');
    assert.throws(() => agentForServer('local', { platform: 'win32' }, 'ws'), (err) => isSetupError(err, 'AgentNeedsLinux') && err.params.targetOs === 'Windows');
  });

  it("the fleet's plan applies the same rule", () => {
    const file = (backend: 'azure' | 'local'): FleetFile => ({ file: backend, credentials: { fileName: `${backend}.VaultCredentials` } as FleetFile['credentials'], choice: { backend, agent: BACKEND_AGENT[backend] } });
    assert.equal(fileForServer([file('local'), file('azure')], { platform: 'win32' }, 'ws').choice.agent, agentForServer('azure', { platform: 'win32' }, 'ws'));
    assert.equal(fileForServer([file('local'), file('azure')], { platform: 'linux' }, 'lx').choice.agent, agentForServer('local', { platform: 'linux' }, 'lx'));
    assert.throws(() => fileForServer([file('azure')], { platform: 'linux' }, 'lx'), (err) => isSetupError(err, 'AgentNeedsWindows'));
    assert.throws(() => fileForServer([file('local')], { platform: 'win32' }, 'ws'), (err) => isSetupError(err, 'AgentNeedsLinux'));
  });

  it('gives a Windows server of an Azure vault the MARS driver, which says its connectivity was checked from here only', async () => {
    const ran: string[] = [];
    const { service } = serviceFor(root, vault, { target: targetClaiming(WINDOWS, ran), backend: 'azure', mars: MARS_HOOKS });
    assert.equal(await service.agentKind(), 'mars');
    const checked = await service.checkConnectivity({ endpoint: vault.url, proxy: parseProxySettings({ mode: 'off' }) });
    assert.equal(checked.checkedOn, 'adminOnly');
    assert.equal(checked.problem, undefined, String(checked.problem));
    assert.ok(checked.stages.every((s) => s.status !== 'failed'), JSON.stringify(checked.stages));
    assert.deepEqual(ran, [], 'nothing ran on the server: MARS has no check there');
  });

  it('gives a Linux server of the local vault the reference agent, whose check says it is not installed yet', async () => {
    const { service } = serviceFor(root, vault, { target: targetClaiming(LINUX), mars: MARS_HOOKS });
    assert.equal(await service.agentKind(), 'reference');
    const checked = await service.checkConnectivity({ endpoint: vault.url, proxy: parseProxySettings({ mode: 'off' }) }, { installFolder: path.join(root, 'nothing-here') });
    assert.equal(checked.checkedOn, 'admin');
  });

  it('refuses, before anything runs, every pair no agent can do', async () => {
    const cases: Array<[Partial<HostFacts>, 'azure' | 'local', ErrorCode]> = [
      [LINUX, 'azure', 'AgentNeedsWindows'],
      [WINDOWS, 'local', 'AgentNeedsLinux'],
    ];
    for (const [facts, backend, code] of cases) {
      const ran: string[] = [];
      const { service } = serviceFor(root, vault, { target: targetClaiming(facts, ran), backend, mars: MARS_HOOKS });
      await assert.rejects(service.agentKind(), (err) => isSetupError(err, code), `${facts.platform} × ${backend}`);
      await assert.rejects(service.install({ endpoint: vault.url, proxy: parseProxySettings({ mode: 'off' }) }, { installFolder: facts === WINDOWS ? 'C:\\Agent' : path.join(root, 'i') }), (err) => isSetupError(err, code));
      assert.deepEqual(ran, [], `${facts.platform} × ${backend}: nothing ran`);
    }
  });

  it('takes a Windows folder only with its drive letter: a POSIX folder is refused by name, not left to fail over SFTP', async () => {
    const { service } = serviceFor(root, vault, { target: targetClaiming(WINDOWS), backend: 'azure', mars: MARS_HOOKS });
    for (const folder of ['/tmp/x/win1', '\\tmp\\x', 'relative']) await assert.rejects(service.installPlace({ installFolder: folder }), (err) => isSetupError(err, 'InstallFolderNotAbsolute'), folder);
    assert.equal((await service.installPlace({ installFolder: 'D:/Agent' })).installFolder, 'D:\\Agent');
  });

  it('refuses a Windows server of an Azure vault on a surface that offers no MARS driver, naming the agent and the next step', async () => {
    const { service } = serviceFor(root, vault, { target: targetClaiming(WINDOWS), backend: 'azure' });
    await assert.rejects(service.agentKind(), (err) => isSetupError(err, 'AgentNotOfferedHere') && err.params.agent === 'MARS agent (Windows)' && err.params.action === 'setUpFromVsCode');
  });

  it("hands the credentials file's AgentLinks to the agent's install, with the proxy for the download's own host", async () => {
    const links = [{ name: 'MARSAgentInstaller', url: 'https://download.example.test/MARSAgentInstaller.exe' }];
    const issued = await issueCredentials({ vault: TEST_VAULT, endpoint: 'https://pod01-id1.weu.backup.windowsazure.com', agentLinks: links });
    const file = path.join(root, issued.fileName);
    await fs.writeFile(file, issued.xml, { mode: 0o600 });
    const given: Array<InstallOptions | undefined> = [];
    // Only the two steps install() takes; the driver's own download is tested in test/unit/mars.
    const recording = {
      requirePrerequisites: async () => ({ ok: true, platform: 'win32', arch: 'x64', checks: [] }),
      install: async (_route, layout, options) => (given.push(options), { version: '2.0.9262.0', agentDir: layout.installFolder, installed: true }),
    } as Pick<AgentDriver, 'requirePrerequisites' | 'install'> as AgentDriver;
    const { service } = serviceFor(root, vault, { target: targetClaiming(WINDOWS), backend: 'azure', agents: { mars: () => recording } });
    // The vault's host bypasses the proxy; the download host does not: its proxy is decided for it.
    const proxy = parseProxySettings({ mode: 'settings', host: 'proxy.example.test', port: 3128, noProxy: ['.windowsazure.com'] });
    await service.install({ credentialsFile: file, proxy }, { installFolder: 'C:\\Agent' });
    assert.deepEqual(given.map((o) => o?.agentLinks), [links]);
    assert.equal(given[0]?.proxyFor?.(links[0]!.url).proxy?.host, 'proxy.example.test');
    assert.equal(given[0]?.proxyFor?.('https://pod01-id1.weu.backup.windowsazure.com').proxy, undefined);
  });
});

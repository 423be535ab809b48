import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/agent/main';
import { AGENT_VERSION } from '../../../src/agent/version';
import { readAgentConfig, writeAgentConfig, type AgentConfig, type AgentProxy } from '../../../src/core/config/agentConfig';
import { agentLayout, type AgentLayout } from '../../../src/core/config/layout';
import { createDispatcher } from '../../../src/core/http/dispatcher';
import { downloadAgent, installAgent } from '../../../src/core/install';
import { LocalTarget } from '../../../src/core/target/local';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { nodeOptionsWithout } from '../../support/nodeWithout';
import { freePort } from '../../support/tls';
import {
  buildAgentPackage,
  createVaultWithCredentials,
  registerMachine,
  startTestVault,
  tempDir,
  vaultClient,
  type AnyJson,
  type RegisteredMachine,
  type TestVault,
  type TestVaultCredentials,
} from '../../support/vault';

const USER = 'agent-user';
const PASSWORD = 'Ag3nt-proxy-pa55!';
const local = new LocalTarget();
// The package promises Node 18: point this at a Node 18 binary to run the installed agent with it.
const AGENT_NODE = process.env.AGENT_TEST_NODE || process.execPath;

interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: AnyJson;
}

describe('the installed reference agent', function () {
  this.timeout(60_000);
  let dir: string;
  let vault: TestVault;
  let credentials: TestVaultCredentials;
  let layout: AgentLayout;
  let machine: RegisteredMachine;
  let baseConfig: AgentConfig;
  let authSquid: Squid | undefined;
  let openSquid: Squid | undefined;

  /** Runs the installed agent as a user would: its own install folder, a clean environment plus `env`. */
  function agent(args: string[], env: Record<string, string> = {}): Promise<AgentRun> {
    return new Promise((resolve) => {
      execFile(AGENT_NODE, [path.join(layout.agentDir, 'main.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
        let json: AnyJson;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr, json });
      });
    });
  }

  async function configure(proxy: Partial<AgentProxy>): Promise<void> {
    await writeAgentConfig(local, layout, { ...baseConfig, proxy: { ...baseConfig.proxy, ...proxy } });
  }

  async function writePassword(password: string, owned = true): Promise<void> {
    await local.writeFileAtomic(layout.proxyPasswordFile, `${password}\n`, { private: owned });
  }

  before(async () => {
    dir = await tempDir('agent-e2e-');
    const built = await buildAgentPackage(path.join(dir, 'served'));
    vault = await startTestVault({ agentDir: path.dirname(built.file) });
    credentials = await createVaultWithCredentials(vault);

    // The admin side: download the package from the vault and install it with the core.
    const dispatcher = await createDispatcher({ tls: { ca: vault.caCertPem, rejectUnauthorized: true } });
    const downloaded = await downloadAgent({ endpoint: vault.url, dispatcher, cacheDir: path.join(dir, 'cache') });
    await dispatcher.close();
    layout = agentLayout(local, path.join(dir, 'install'));
    const installed = await installAgent({ target: local, layout, packageFile: downloaded.file });
    assert.equal(installed.version, AGENT_VERSION);

    // Register the machine (node crypto key, node-forge CSR) with the credentials certificate.
    const client = vaultClient(vault, credentials.client);
    try {
      machine = await registerMachine(client, { machineId: randomUUID(), serverName: 'web-01', agentVersion: AGENT_VERSION });
    } finally {
      await client.close();
    }
    assert.ok('certPem' in machine.client);
    await local.mkdir(layout.configDir, { private: true });
    await local.writeFileAtomic(layout.machineKeyFile, machine.client.keyPem, { private: true });
    await local.writeFileAtomic(layout.machineCertFile, machine.client.certPem);
    await local.writeFileAtomic(layout.vaultCaFile, machine.response.json.caCertificate);
    const v = machine.response.json.vault;
    baseConfig = {
      formatVersion: 1,
      machineId: machine.machineId,
      serverName: 'web-01',
      agentVersion: AGENT_VERSION,
      installFolder: layout.installFolder,
      cacheFolder: path.join(layout.installFolder, 'scratch'),
      proxy: { mode: 'off', host: '', port: 3128, user: '', noProxy: [], passwordFile: null },
      vault: { name: v.name, subscriptionId: v.subscriptionId, resourceGroup: v.resourceGroup, location: v.location, resourceId: String(v.resourceId), endpoint: vault.url },
      registration: {
        id: machine.registrationId,
        registeredAt: machine.response.json.registeredAt,
        machineCertificateNotAfter: new Date(new X509Certificate(machine.client.certPem).validTo).toISOString(),
      },
      passphrase: null,
      updatedAt: new Date().toISOString(),
    };
    await configure({});

    if (!squidUnavailableReason()) [authSquid, openSquid] = await Promise.all([startSquid({ auth: { user: USER, password: PASSWORD } }), startSquid()]);
  });

  after(async () => {
    await Promise.all([authSquid?.stop(), openSquid?.stop()]);
    await vault?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  function requireSquid(ctx: Mocha.Context): void {
    if (!authSquid) {
      console.warn(`    skipping: ${squidUnavailableReason()}`);
      ctx.skip();
    }
  }

  it('reports its version', async () => {
    const result = await agent(['version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), AGENT_VERSION);
  });

  it('reports its version only once every part of it loads on this Node, which the install checks on the staged agent', async () => {
    // undici, which the agent loads on first use, needs diagnostics_channel as it loads: a Node
    // without it stands for one on which a part loaded later cannot load at all.
    const result = await agent(['--version'], { NODE_OPTIONS: await nodeOptionsWithout(dir, 'diagnostics_channel') });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /diagnostics_channel is not on this Node \[AgentFailed\]/);
  });

  describe('status', () => {
    afterEach(() => configure({}));

    it('asks the vault over mutual TLS with the machine certificate (direct)', async () => {
      const result = await agent(['status', '--json']);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(
        { ...result.json, registeredAt: undefined, certificateNotAfter: undefined, registration: undefined },
        {
          state: 'registered',
          machineId: machine.machineId,
          serverName: 'web-01',
          agentVersion: AGENT_VERSION,
          registrationId: machine.registrationId,
          vault: credentials.identity.name,
          endpoint: vault.url,
          registeredAt: undefined,
          certificateNotAfter: undefined,
          via: 'direct',
          registration: undefined,
        },
      );
      assert.ok(vault.logs.some((l) => l.startsWith(`GET /v1/registrations/${machine.registrationId} 200 vault=${credentials.identity.name}`)));
    });

    it('prints readable lines without --json', async () => {
      const result = await agent(['status']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^state: registered$/m);
      assert.match(result.stdout, new RegExp(`^registrationId: ${machine.registrationId}$`, 'm'));
    });

    it('goes through the configured proxy with the password from its 0600 file', async function () {
      requireSquid(this);
      await writePassword(PASSWORD);
      await configure({ mode: 'explicit', host: '127.0.0.1', port: authSquid!.port, user: USER, passwordFile: layout.proxyPasswordFile });
      const result = await agent(['status', '--json']);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.json.state, 'registered');
      assert.equal(result.json.via, `http://${USER}@127.0.0.1:${authSquid!.port}`);
    });

    it('fails with ProxyAuthRequired when the proxy rejects the password, and never prints it', async function () {
      requireSquid(this);
      await writePassword('not-the-password');
      await configure({ mode: 'explicit', host: '127.0.0.1', port: authSquid!.port, user: USER, passwordFile: layout.proxyPasswordFile });
      const result = await agent(['status']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /\[ProxyAuthRequired\]/);
      assert.ok(!result.stderr.includes('not-the-password') && !result.stdout.includes('not-the-password'));
    });

    it('refuses a proxy password file that others can read', async () => {
      await writePassword(PASSWORD, false);
      // Refused before any connection: no proxy listens on this port (it would fail otherwise).
      await configure({ mode: 'explicit', host: '127.0.0.1', port: await freePort(), user: USER, passwordFile: layout.proxyPasswordFile });
      const result = await agent(['status', '--json']);
      assert.equal(result.code, 1);
      assert.equal(result.json.error.code, 'AgentProxyPasswordFileUnsafe');
    });

    it('uses HTTPS_PROXY in environment mode, and NO_PROXY to go direct', async function () {
      requireSquid(this);
      await configure({ mode: 'environment' });
      const proxied = await agent(['status', '--json'], { HTTPS_PROXY: openSquid!.origin });
      assert.equal(proxied.code, 0, proxied.stdout + proxied.stderr);
      assert.equal(proxied.json.via, openSquid!.origin);
      const bypassed = await agent(['status', '--json'], { HTTPS_PROXY: openSquid!.origin, NO_PROXY: '127.0.0.1' });
      assert.equal(bypassed.code, 0, bypassed.stdout + bypassed.stderr);
      assert.equal(bypassed.json.via, 'direct');
    });

    it('fails with the network code when the vault cannot be reached', async () => {
      await writeAgentConfig(local, layout, { ...baseConfig, vault: { ...baseConfig.vault!, endpoint: 'https://127.0.0.1:1' } });
      const result = await agent(['status', '--json']);
      assert.equal(result.code, 1);
      assert.equal(result.json.error.code, 'ConnectionRefused');
    });
  });

  it('shows the configuration without any key, certificate or password', async () => {
    await writePassword(PASSWORD);
    await configure({ mode: 'explicit', host: '127.0.0.1', port: 3128, user: USER, passwordFile: layout.proxyPasswordFile });
    try {
      for (const args of [['show-config'], ['show-config', '--json']]) {
        const result = await agent(args);
        assert.equal(result.code, 0, result.stderr);
        const output = result.stdout + result.stderr;
        assert.ok(!output.includes('-----BEGIN'), 'no PEM block');
        assert.ok(!output.includes(PASSWORD), 'no proxy password');
        assert.ok(output.includes(machine.machineId) && output.includes(layout.machineKeyFile), 'the configuration and where the files are');
      }
      const json = (await agent(['show-config', '--json'])).json;
      assert.equal(json.files.machineKey, `${layout.machineKeyFile} (owner only)`);
      assert.equal(json.proxy.passwordFile, layout.proxyPasswordFile);
    } finally {
      await configure({});
    }
  });

  describe('command line', () => {
    async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const code = await run(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), stdin: async () => '' });
      return { code, out, err };
    }

    it('answers an unknown command or option with exit code 2 and the usage', async () => {
      for (const args of [['frobnicate'], ['status', '--verbose'], ['status', '--install-folder'], ['status', 'extra']]) {
        const result = await inProcess(args);
        assert.equal(result.code, 2, args.join(' '));
        assert.match(result.err, /\[AgentUsage\][\s\S]*Usage: backup-agent/);
      }
    });

    it('fails with AgentNotConfigured in an install folder without a configuration', async () => {
      const result = await inProcess(['status', '--json', '--install-folder', path.join(dir, 'nowhere')]);
      assert.equal(result.code, 1);
      assert.equal(JSON.parse(result.out).error.code, 'AgentNotConfigured');
    });

    it('reads the configuration of the folder given with --install-folder', async () => {
      const result = await inProcess(['show-config', '--json', `--install-folder=${layout.installFolder}`]);
      assert.equal(result.code, 0, result.err);
      assert.equal(JSON.parse(result.out).configFile, layout.configFile);
    });
  });

  // Last: it ends the registration the tests above use (mocha runs a suite's own tests before its sub-suites).
  describe('unregister', () => {
    it('unregisters at the vault, then reports itself unregistered', async () => {
      const result = await agent(['unregister', '--json']);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(
        { ...result.json, remote: undefined },
        { state: 'notSetUp', vaultState: 'unregistered', registrationId: machine.registrationId, vault: credentials.identity.name, via: 'direct', alreadyUnregistered: false, remote: undefined },
      );
      assert.equal(result.json.remote.status, 'unregistered');
      assert.equal((await readAgentConfig(local, layout))?.registration, null);

      const client = vaultClient(vault, machine.client);
      try {
        assert.equal((await client.request('GET', `/v1/registrations/${machine.registrationId}`)).json.status, 'unregistered');
      } finally {
        await client.close();
      }

      const status = await agent(['status', '--json']);
      assert.equal(status.code, 0);
      assert.equal(status.json.state, 'notSetUp');
      // Again: nothing to end at the vault, and the leftovers are gone.
      const again = await agent(['unregister', '--json']);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.deepEqual(again.json, { state: 'notSetUp', alreadyUnregistered: true });
      await assert.rejects(fs.stat(layout.machineKeyFile), { code: 'ENOENT' });
    });
  });
});

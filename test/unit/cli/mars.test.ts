/**
 * The installed CLI with an Azure vault's credentials file, as a process: against a SIMULATED
 * Windows OpenSSH server (test/support/simulatedWindowsSshd.ts: canned answers in this process,
 * not Windows; no Windows machine is reachable here) and the local vault's Resource Manager
 * emulator, and against a real sshd (Linux). The CLI builds its service for the file's vault
 * service as the extension does, the core then gives a Windows server the MARS driver; whatever
 * the simulation answers is labelled simulated and never reported as registered. The security PIN
 * goes nowhere but the MARS driver: not in arguments, output, or anything sent to the server.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { issueCredentials, type VaultIdentity } from '../../../src/vault/issuer';
import { cliOutputProblems } from '../../support/cliSchema';
import { findSecrets, withDecoded } from '../../support/secretSearch';
import { runCli, startServiceVault, tempDir, TEST_PASSPHRASE, writeCredentials, type CliRun } from '../../support/service';
import { startSimulatedWindowsSshd, type SimulatedWindowsSshd } from '../../support/simulatedWindowsSshd';
import { generateKeyPair, sshdUnavailableReason, startSshd } from '../../support/sshd';
import { createTestCa, startHttpsServer } from '../../support/tls';
import { createVaultWithCredentials, registerMachine, vaultClient, type TestVault } from '../../support/vault';

/** A marker PIN: it must appear nowhere but where the driver spends it. */
const PIN = '731942-PIN-MARKER';
const AZURE_HOST = 'pod01-id1.weu.backup.windowsazure.com';

/** A CONNECT proxy that tunnels every request to one loopback port, recording what was asked. */
async function startFixedTunnel(port: number): Promise<{ port: number; connects: string[]; close(): Promise<void> }> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    sockets.add(socket);
    socket.on('error', () => undefined);
    const upstream = net.connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connects,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function assertJson(run: CliRun, exitCode: number, ok: boolean): void {
  assert.equal(run.code, exitCode, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.equal(run.stdout.trim().split('\n').length, 1, 'exactly one line of JSON on stdout');
  assert.equal(run.json?.ok, ok, run.stdout);
  assert.deepEqual(cliOutputProblems(run.json), [], `docs/cli-output.schema.json: ${run.stdout}`);
}

describe('CLI with an Azure vault: the MARS driver on a (simulated) Windows server', function () {
  this.timeout(90_000);
  let vault: TestVault;
  let windows: SimulatedWindowsSshd;
  let root: string;
  let home: string;
  let caFile: string;
  let token: string;
  let identity: VaultIdentity;
  let azureFile: string;
  let env: Record<string, string>;

  before(async () => {
    vault = await startServiceVault();
    root = await tempDir('cli-mars-');
    windows = await startSimulatedWindowsSshd(root);
    home = path.join(root, 'home');
    await fs.mkdir(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(home, '.ssh', 'config'), ['Host win1', '  HostName 127.0.0.1', `  Port ${windows.port}`, `  User ${windows.user}`, `  IdentityFile ${windows.clientKeyFile}`, ''].join('\n'));
    await fs.writeFile(path.join(home, '.ssh', 'known_hosts'), `${windows.knownHostsLine}\n`);
    caFile = path.join(root, 'vault-ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
    token = (await fs.readFile(path.join(vault.dataDir, 'arm-token'), 'utf8')).trim();
    // A vault of the emulator's, and a credentials file for it as Azure issues them (an Azure Backup endpoint).
    identity = await vault.admin.createVault({ name: `m${randomUUID().slice(0, 8)}`, subscriptionId: randomUUID(), resourceGroup: 'rg-mars', location: 'westeurope' });
    const issued = await issueCredentials({ vault: identity, endpoint: 'https://pod01-id1.weu.backup.windowsazure.com', agentLinks: [{ name: 'MARSAgentInstaller', url: 'https://aka.ms/azurebackup_agent' }] });
    azureFile = path.join(root, issued.fileName);
    await fs.writeFile(azureFile, issued.xml, { mode: 0o600 });
    env = { HOME: home, XDG_CACHE_HOME: path.join(root, 'cache'), BACKUP_AGENT_SIMULATED_SERVERS: 'win1' };
  });

  after(async () => {
    await windows?.close();
    await vault?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('names Azure and the MARS agent for the Windows server (--dry-run), labelled simulated', async () => {
    const run = await runCli(['register', '--ssh', 'win1', '--credentials', azureFile, '--data-size', '1000', '--dry-run', '--json'], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
    assertJson(run, 0, true);
    assert.equal(run.json.simulated, true);
    assert.deepEqual([run.json.result.backend, run.json.result.agent], ['azure', 'mars'], run.stdout);
    const text = await runCli(['register', '--ssh', 'win1', '--credentials', azureFile, '--data-size', '1000', '--dry-run'], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Vault service: Azure Recovery Services; agent: MARS agent \(Windows\)/);
    assert.match(text.stdout, /Simulated server/);
  });

  it('runs the MARS steps as far as the simulation goes, never reports it registered, and keeps the PIN to itself', async () => {
    // No Azure is reachable here: the file's endpoint is answered by a stand-in (a CA of the test's,
    // given with --ca, reached through a proxy that tunnels every CONNECT to it), so the run gets
    // past the admin-side connectivity check to the MARS driver's own steps on the server.
    const ca = createTestCa('Azure stand-in CA');
    const standIn = await startHttpsServer({
      ...ca.issue({ commonName: AZURE_HOST, dnsNames: [AZURE_HOST] }),
      handler: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', time: new Date().toISOString() })),
    });
    const proxy = await startFixedTunnel(standIn.port);
    const standInCa = path.join(root, 'stand-in-ca.pem');
    await fs.writeFile(standInCa, ca.certPem);
    const before = windows.simulation.scripts.length;
    try {
      const args = ['register', '--ssh', 'win1', '--credentials', azureFile, '--ca', standInCa, '--proxy-host', '127.0.0.1', '--proxy-port', String(proxy.port), '--data-size', '1000'];
      const run = await runCli([...args, '--passphrase-stdin', '--security-pin-stdin', '--json'], { env, stdin: `${TEST_PASSPHRASE}\n${PIN}\n`, watchProcesses: true });
      assertJson(run, 1, false);
      assert.equal(run.json.simulated, true);
      assert.deepEqual(proxy.connects, [`${AZURE_HOST}:443`], 'the connectivity check reached the stand-in');
      // The MARS driver ran its first step on the server (the prerequisites: its facts script, run
      // as powershell.exe with the script encoded), where the simulation has no answer for it: so far and no further.
      const ran = windows.simulation.scripts.slice(before);
      assert.equal(run.json.error.code, 'MarsScriptNoResult', run.stdout);
      assert.equal(run.json.error.params.step, 'read the server facts');
      const decoded = Object.values(withDecoded(Object.fromEntries(ran.map((s, i) => [String(i), s])))).join('\n');
      assert.match(decoded, /Win32_OperatingSystem[\s\S]*\\Scratch'/, "the MARS facts script, with the cache folder's drive");
      assert.ok(!ran.some((s) => /main\.js|backup-agent-[\d.]+\.tgz/.test(s)), 'no reference-agent step');
      assert.ok(!run.stdout.includes('"registrationId"') && !/Registered/.test(run.stdout), run.stdout);

      const text = await runCli([...args, '--passphrase-stdin', '--security-pin-stdin'], { env, stdin: `${TEST_PASSPHRASE}\n${PIN}\n` });
      assert.equal(text.code, 1);
      assert.match(text.stdout, /^Simulated server \(a test double, not Windows\)/);
      assert.doesNotMatch(text.stdout + text.stderr, /Registered/);

      const sent: Record<string, string | Uint8Array> = {
        stdout: run.stdout + text.stdout,
        stderr: run.stderr + text.stderr,
        commandLines: run.commandLines.join('\n'),
        ...Object.fromEntries(windows.simulation.commandLines.map((c, i) => [`server command line ${i}`, c])),
        ...Object.fromEntries(windows.simulation.scripts.map((c, i) => [`server script ${i}`, c])),
        ...Object.fromEntries(windows.simulation.stdins.map((c, i) => [`server stdin ${i}`, c])),
        ...Object.fromEntries([...windows.sftpWrites].map(([p, b]) => [`sftp ${p}`, b])),
      };
      assert.deepEqual(findSecrets(sent, [PIN]), [], 'the PIN appears nowhere');
      // A negative control: the search finds a marker planted where it looks.
      assert.notDeepEqual(findSecrets({ ...sent, planted: `x${PIN}x` }, [PIN]), []);
    } finally {
      await proxy.close();
      await standIn.close();
    }
  });

  it("unregisters a MARS server by removing it at the vault (the emulator's Resource Manager), labelled simulated", async () => {
    // The server as a MARS registration leaves it: the vault knows it by name (registered here
    // through the local vault, which the emulator serves as the vault's registered identities),
    // and the server holds the setup's configuration (no secret) in the install folder.
    const serverName = `win-${randomUUID().slice(0, 6)}`;
    const { issueTestCredentials } = await import('../../support/vault');
    const { client } = await issueTestCredentials(vault, identity.name);
    const credentialsClient = vaultClient(vault, client);
    try {
      await registerMachine(credentialsClient, { serverName, os: { name: 'Windows', version: '10.0.20348' } });
    } finally {
      await credentialsClient.close();
    }
    const now = new Date().toISOString();
    const config = {
      formatVersion: 1,
      machineId: randomUUID(),
      serverName,
      agentVersion: '2.0.0.0',
      installFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent',
      cacheFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent\\Scratch',
      proxy: { mode: 'off', host: '', port: 8080, user: '', noProxy: [], passwordFile: null },
      vault: { name: identity.name, subscriptionId: identity.subscriptionId, resourceGroup: identity.resourceGroup, location: identity.location, resourceId: identity.resourceId, endpoint: `https://${AZURE_HOST}` },
      registration: { id: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01', registeredAt: now },
      // As the MARS driver writes it when a re-register keeps the passphrase (status --json must still fit its schema).
      passphrase: null,
      updatedAt: now,
    };
    const configFile = '/C:/Program Files/Microsoft Azure Recovery Services Agent/config/agent.json';
    for (const folder of ['/C:/Program Files', '/C:/Program Files/Microsoft Azure Recovery Services Agent', '/C:/Program Files/Microsoft Azure Recovery Services Agent/config']) windows.simulation.folders.add(folder);
    windows.simulation.files.set(configFile, Buffer.from(JSON.stringify(config)));
    const registered = async () => (await vault.admin.listRegistrations(identity.name)).find((r) => r.serverName === serverName)?.status;
    assert.equal(await registered(), 'registered');

    // Its status: the configuration read over SFTP, the registration known to the vault only.
    const status = await runCli(['status', '--ssh', 'win1', '--json'], { env });
    assertJson(status, 0, true);
    assert.equal(status.json.simulated, true);
    assert.equal(status.json.result.config.serverName, serverName);
    // Not signed in, the vault's view says so and how to sign in; the server's own view stands.
    assert.equal(status.json.result.remote.error.code, 'AzureCredentialUnavailable', status.stdout);
    assert.equal(status.json.result.remote.error.params.action, 'signInToAzure');
    // Signed in to the emulator's Resource Manager: the vault's registered servers list it.
    const seen = await runCli(['status', '--ssh', 'win1', '--arm-endpoint', vault.url, '--ca', caFile, '--token-stdin', '--json'], { env, stdin: `${token}\n` });
    assertJson(seen, 0, true);
    assert.equal(seen.json.result.remote.ok, true, seen.stdout);
    assert.equal(seen.json.result.remote.registration.status, 'registered');
    assert.ok(!seen.stdout.includes(token) && !seen.stderr.includes(token), 'the token appears nowhere');

    // Not signed in to the emulator (it takes only its own token): refused, and the server keeps its configuration.
    const signedOut = await runCli(['unregister', '--ssh', 'win1', '--arm-endpoint', vault.url, '--ca', caFile, '--json'], { env });
    assertJson(signedOut, 2, false);
    assert.equal(signedOut.json.error.code, 'CliTokenRequired');
    assert.equal(await registered(), 'registered');
    assert.equal(windows.simulation.files.has(configFile), true);

    const run = await runCli(['unregister', '--ssh', 'win1', '--arm-endpoint', vault.url, '--ca', caFile, '--token-stdin', '--json'], { env, stdin: `${token}\n`, watchProcesses: true });
    assertJson(run, 0, true);
    assert.equal(run.json.simulated, true);
    assert.equal(run.json.result.remote.status, 'unregistered');
    assert.equal(await registered(), 'unregistered', 'removed at the vault');
    assert.equal(windows.simulation.files.has(configFile), false, "the server's configuration is gone");
    for (const text of [run.stdout, run.stderr, ...run.commandLines]) assert.ok(!text.includes(token), 'the token appears nowhere');
  });

  it('refuses the PIN as an argument and an unknown installer route, as usage errors', async () => {
    for (const arg of [`--security-pin=${PIN}`, '--pin']) {
      const run = await runCli(['register', '--ssh', 'win1', '--credentials', azureFile, arg, '--json'], { env });
      assertJson(run, 2, false);
      assert.equal(run.json.error.code, 'SecretInArguments');
      assert.match(run.json.error.message, /--security-pin-stdin/);
      assert.ok(!run.stdout.includes(PIN) && !run.stderr.includes(PIN));
    }
    const route = await runCli(['register', '--ssh', 'win1', '--credentials', azureFile, '--data-size', '1000', '--mars-installer-download', 'usb', '--dry-run', '--json'], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
    assertJson(route, 2, false);
    assert.match(route.json.error.message, /--mars-installer-download takes server or admin/);
  });

  it('refuses a Linux server with the Azure file (AgentNeedsWindows) before anything runs there', async function () {
    const missing = sshdUnavailableReason();
    if (missing) {
      console.warn(`    skipping: ${missing}`);
      return this.skip();
    }
    const linuxHome = path.join(root, 'linux-home');
    await fs.mkdir(path.join(linuxHome, '.ssh'), { recursive: true, mode: 0o700 });
    const key = await generateKeyPair(path.join(linuxHome, '.ssh'), 'id_ed25519');
    const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    try {
      await fs.writeFile(path.join(linuxHome, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
      const installFolder = path.join(sshd.dir, 'never-installed');
      const run = await runCli(['register', '--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`, '--credentials', azureFile, '--install-folder', installFolder, '--data-size', '1000', '--json'], {
        env: { ...env, HOME: linuxHome, BACKUP_PASSPHRASE: TEST_PASSPHRASE },
      });
      assertJson(run, 1, false);
      assert.equal(run.json.error.code, 'AgentNeedsWindows', run.stdout);
      assert.equal(run.json.simulated, undefined);
      await assert.rejects(fs.stat(installFolder), 'nothing was installed');
    } finally {
      await sshd.close();
    }
  });

  it('still plans a local-vault file with the reference agent on this machine, and refuses it for the Windows server', async () => {
    const creds = await createVaultWithCredentials(vault);
    const file = await writeCredentials(root, creds.file);
    const installFolder = path.join(root, 'local-install');
    const run = await runCli(['register', '--credentials', file, '--ca', caFile, '--install-folder', installFolder, '--data-size', '1000', '--dry-run', '--json'], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
    assertJson(run, 0, true);
    assert.deepEqual([run.json.result.backend, run.json.result.agent], ['local', 'reference']);
    assert.equal(run.json.simulated, undefined);

    // The same file for the Windows server: refused by name, as the reference agent runs on Linux.
    const windowsRun = await runCli(['register', '--ssh', 'win1', '--credentials', file, '--ca', caFile, '--data-size', '1000', '--dry-run', '--json'], { env: { ...env, BACKUP_PASSPHRASE: TEST_PASSPHRASE } });
    assertJson(windowsRun, 1, false);
    assert.equal(windowsRun.json.error.code, 'AgentNeedsLinux');
  });

});

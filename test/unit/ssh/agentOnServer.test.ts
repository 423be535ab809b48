/**
 * The agent registers itself on its server. The server here is an sshd in a network namespace of
 * its own (test/support/isolatedSshd.ts), reached through the admin's ssh config's ProxyCommand:
 * it cannot reach the vault at the address the vault binds (this machine's 127.0.0.1), only
 * through the forward the run opens. Every byte that comes back from the target (file reads,
 * command output) is recorded, and no byte of the machine's private key may be among them.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createPrivateKey } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readAgentConfig } from '../../../src/core/config/agentConfig';
import { agentLayout } from '../../../src/core/config/layout';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { Secret } from '../../../src/core/secret';
import { REGISTER_STAGES } from '../../../src/core/service';
import { openSshTarget, resolveDestination, type SshTarget } from '../../../src/core/target/ssh';
import type { Target } from '../../../src/core/target/target';
import { isolatedSshdUnavailableReason, startIsolatedSshd, type IsolatedSshd } from '../../support/isolatedSshd';
import { acceptLocation, serviceFor, setupInput, startServiceVault, writeCredentials } from '../../support/service';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { filesUnder } from '../../support/files';
import { createVaultWithCredentials, type TestVault } from '../../support/vault';
import { connectOptions, destinationOf, scriptedPrompts, skipUnless, sshTempDir } from './support';

/**
 * The target, with everything it returns recorded (what SFTP reads and what commands print) and
 * every file written on it.
 */
function recording(target: SshTarget): { target: Target; received: Buffer[]; written: Buffer[] } {
  const received: Buffer[] = [];
  const written: Buffer[] = [];
  const wrapped = new Proxy(target, {
    get(t, name, receiver) {
      const value = Reflect.get(t, name, receiver) as unknown;
      if (name === 'readFile') {
        return async (...args: Parameters<Target['readFile']>) => {
          const bytes = await t.readFile(...args);
          received.push(Buffer.from(bytes));
          return bytes;
        };
      }
      if (name === 'writeFileAtomic') {
        return async (...args: Parameters<Target['writeFileAtomic']>) => {
          written.push(Buffer.from(args[1]));
          return t.writeFileAtomic(...args);
        };
      }
      if (name === 'run') {
        return async (...args: Parameters<Target['run']>) => {
          const [command, argv, options = {}] = args;
          const result = await t.run(command, argv, { ...options, onStderr: (text) => (received.push(Buffer.from(text)), options.onStderr?.(text)) });
          received.push(Buffer.from(result.stdout), Buffer.from(result.stderr));
          return result;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
  return { target: wrapped, received, written };
}

/** The key's base64 body lines and its DER: any of them in what came back is a leak. */
function keyFragments(pem: string): Buffer[] {
  const lines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  // 48 bytes of the DER from its middle: the private exponent and primes, never in a public part.
  const middle = der.subarray(Math.floor(der.length / 2), Math.floor(der.length / 2) + 48);
  return [...lines.map((l) => Buffer.from(l)), middle, Buffer.from(middle.toString('hex')), Buffer.from(middle.toString('base64'))];
}

describe('the agent registers itself on a server that cannot reach the vault\'s own address', function () {
  this.timeout(240_000);
  let vault: TestVault;
  let dir: string;
  let key: KeyPair;
  let sshd: IsolatedSshd;
  let ssh: SshTarget | undefined;

  before(async function () {
    skipUnless(this, isolatedSshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_admin');
    sshd = await startIsolatedSshd({ authorizedKeys: [key.publicKey] });
    await fs.writeFile(path.join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    vault = await startServiceVault();
  });
  after(async () => {
    await ssh?.close();
    await vault?.close();
    await sshd?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('tests connectivity from the server, registers, reads the status, changes the passphrase and unregisters: the machine key never comes back to the admin', async () => {
    const destination = await resolveDestination('isolated', {
      configText: `Host isolated\n  HostName ${sshd.host}\n  User ${sshd.user}\n  ProxyCommand ${sshd.proxyCommand}\n`,
      home: dir,
    });
    ssh = await openSshTarget({ ...destination, identityFiles: [key.privateKeyFile] }, connectOptions(dir, scriptedPrompts({ trust: false })));
    const { target, received, written } = recording(ssh);
    const root = await fs.mkdtemp(path.join(dir, 'root-'));
    const creds = await createVaultWithCredentials(vault);
    const { service } = serviceFor(root, vault, { target });
    const input = setupInput(await writeCredentials(root, creds.file), root, { serverName: 'isolated-01' });
    const layout = agentLayout(target, input.installFolder!);

    // The vault's own address is out of the server's reach: only the run's forward brings it there.
    const direct = await ssh.run('node', ['-e', `require('net').connect(${new URL(vault.url).port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(3))`]);
    assert.deepEqual(direct.outcome, { kind: 'exited', code: 3 });

    // Test Connectivity before the agent is there: from this computer, and it says so.
    const where = { credentialsFile: input.credentialsFile, proxy: input.proxy };
    const fromHere = await service.checkConnectivity(where, { installFolder: input.installFolder });
    assert.equal(fromHere.checkedOn, 'admin');
    assert.ok(fromHere.ok, inspect(fromHere));

    const stages: string[] = [];
    const registered = await service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress: (s) => stages.push(s) });
    // The vault is checked from the server only (checkFromServer), not from here first.
    assert.deepEqual([...new Set(stages)], REGISTER_STAGES.filter((s) => s !== 'checkConnectivity'), 'every stage, the agent\'s from the server included, in order');
    const listed = await vault.admin.listRegistrations(creds.identity.name);
    assert.deepEqual(listed.map((r) => [r.registrationId, r.status, r.serverName]), [[registered.registrationId, 'registered', 'isolated-01']]);
    // The configuration names the vault as the credentials do, not the forward the run used.
    assert.equal((await readAgentConfig(target, layout))?.vault?.endpoint, vault.url);
    // The server is this machine, seen through another network: the key is read here, by the test only.
    const machineKey = await fs.readFile(layout.machineKeyFile, 'utf8');
    assert.equal((await fs.stat(layout.machineKeyFile)).mode & 0o777, 0o600);
    // The credentials (the vault's client key inside) went on the agent's stdin, never into a file
    // there: neither one the admin wrote nor one the agent did, as they are or in base64.
    const credentialsBytes = await fs.readFile(input.credentialsFile);
    const forms = [credentialsBytes, Buffer.from(credentialsBytes.toString('base64'))];
    const onServer = await Promise.all((await filesUnder(input.installFolder!)).map((f) => fs.readFile(f)));
    assert.ok(written.length > 0 && onServer.length > 0, 'files were written on the server');
    assert.ok(![...written, ...onServer].some((bytes) => forms.some((form) => bytes.includes(form))), 'no file on the server holds the credentials');

    const status = await service.status({ installFolder: input.installFolder });
    assert.equal(status.state.kind, 'registered', JSON.stringify(status));
    assert.ok(status.remote?.ok && status.remote.registration.status === 'registered');

    // Once the agent is installed, Test Connectivity runs on the server, through the run's forward.
    const fromServer = await service.checkConnectivity(where, { installFolder: input.installFolder });
    assert.equal(fromServer.checkedOn, 'target');
    assert.equal(fromServer.endpoint, vault.url);
    assert.deepEqual(fromServer.stages.map((st) => [st.stage, st.status]), [['dns', 'ok'], ['tcp', 'ok'], ['proxyConnect', 'skipped'], ['tls', 'ok'], ['health', 'ok']], inspect(fromServer));

    const pin = new Secret((await vault.admin.issueSecurityPin(creds.identity.name)).pin);
    const changed = await service.change(
      { passphrase: { newValue: new Secret('A-new passphrase for the isolated server 42'), securityPin: pin } },
      { installFolder: input.installFolder, confirmPassphraseLocation: acceptLocation },
    );
    assert.deepEqual(changed.changed, ['passphrase']);

    const unregistered = await service.unregister({ installFolder: input.installFolder });
    assert.equal(unregistered.registrationId, registered.registrationId);
    assert.equal((await vault.admin.listRegistrations(creds.identity.name))[0]?.status, 'unregistered');

    const all = Buffer.concat(received);
    assert.ok(all.length > 0, 'the recording saw the runs');
    assert.ok(Buffer.from(machineKey).includes(keyFragments(machineKey)[1]!), 'the fragments are the key\'s');
    for (const fragment of keyFragments(machineKey)) {
      assert.equal(all.indexOf(fragment), -1, 'a piece of the machine key came back from the server');
    }
  });
});

describe('a registration whose connection is cut, run again at once', function () {
  this.timeout(240_000);
  let vault: TestVault;
  let dir: string;
  let key: KeyPair;
  let server: TestSshd;

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_admin');
    server = await startSshd({ authorizedKeys: [key.publicKey] });
    await fs.writeFile(path.join(dir, 'known_hosts'), `${server.knownHostsLine}\n`);
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
    await server?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const open = () => openSshTarget(destinationOf(server, [key.privateKeyFile]), connectOptions(dir, scriptedPrompts({ trust: false }), { knownHostsFiles: [path.join(dir, 'known_hosts')] }));

  it('waits for the agent the lost connection left running, and ends with one registration', async () => {
    const root = await fs.mkdtemp(path.join(dir, 'root-'));
    const creds = await createVaultWithCredentials(vault);
    const input = setupInput(await writeCredentials(root, creds.file), root, { serverName: 'cut-01' });
    const first = await open();
    // The connection goes as the agent starts its own work on the server.
    const cut = await serviceFor(root, vault, { target: first })
      .service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress: (s) => s === 'checkFromServer' && void first.close() })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(isSetupError(cut) || cut instanceof CancelledError, `the first run fails with the connection: ${inspect(cut)}`);

    const second = await open();
    try {
      const again = await serviceFor(root, vault, { target: second }).service.register(input, { confirmPassphraseLocation: acceptLocation });
      const listed = await vault.admin.listRegistrations(creds.identity.name);
      assert.deepEqual(listed.map((r) => [r.registrationId, r.status]), [[again.registrationId, 'registered']]);
      const config = await readAgentConfig(second, agentLayout(second, input.installFolder!));
      assert.equal(config?.registration?.id, again.registrationId);
      assert.deepEqual(await fs.readdir(path.join(input.installFolder!, 'config')).then((n) => n.filter((x) => x === 'agent.lock')), [], 'no lock left');
    } finally {
      await second.close();
    }
  });
});

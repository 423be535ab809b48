// ProxyCommand and Target.reach against a real sshd that runs in a network namespace of its own
// (test/support/isolatedSshd.ts): the server cannot reach this machine's 127.0.0.1, so only the
// address reach() returns can bring it to a service listening there.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { LocalTarget } from '../../../src/core/target/local';
import { openSshTarget, resolveDestination, SshCode, type SshDestination, type SshTarget } from '../../../src/core/target/ssh';
import { isolatedSshdUnavailableReason, startIsolatedSshd, type IsolatedSshd } from '../../support/isolatedSshd';
import { generateKeyPair, type KeyPair } from '../../support/sshd';
import { connectOptions, rejectsWith, scriptedPrompts, skipUnless, sshTempDir } from './support';

/** Connects to argv host:port and prints what the server sends, or `failed CODE` (exit 1). */
const PROBE = `
const socket = require('net').connect(Number(process.argv[2]), process.argv[1]);
socket.setTimeout(5000, () => { console.log('failed timeout'); process.exit(1); });
socket.on('data', (d) => process.stdout.write(d));
socket.on('end', () => process.exit(0));
socket.on('error', (e) => { console.log('failed ' + e.code); process.exit(1); });
`;

/** Connects, says "connected", and waits for the other side to drop the connection. */
const HOLD = `
const socket = require('net').connect(Number(process.argv[2]), process.argv[1]);
socket.on('connect', () => console.log('connected'));
socket.resume();
socket.on('close', () => { console.log('dropped'); process.exit(0); });
socket.on('error', (e) => { console.log('failed ' + e.code); process.exit(1); });
setTimeout(() => { console.log('still open'); process.exit(2); }, 15000);
`;

/** A service on this machine's 127.0.0.1 that greets each client with `greeting`; `hold` keeps connections open. */
async function startService(greeting: string, hold = false): Promise<{ server: net.Server; port: number; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (hold) socket.write(greeting);
    else socket.end(greeting);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, sockets };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ProxyCommand and Target.reach against an sshd in its own network namespace', function () {
  this.timeout(60_000);
  let dir: string;
  let key: KeyPair;
  let sshd: IsolatedSshd;
  let service: Awaited<ReturnType<typeof startService>>;
  const greeting = `hello-${randomBytes(6).toString('hex')}`;

  before(async function () {
    skipUnless(this, isolatedSshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_user');
    sshd = await startIsolatedSshd({ authorizedKeys: [key.publicKey] });
    await fs.writeFile(path.join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    service = await startService(greeting);
  });
  after(async () => {
    service?.server.close();
    await sshd?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  /** The isolated server as the admin's ssh config names it. */
  const configured = (proxyCommand = sshd.proxyCommand): Promise<SshDestination> =>
    resolveDestination('isolated', { configText: `Host isolated\n  HostName ${sshd.host}\n  User ${sshd.user}\n  ProxyCommand ${proxyCommand}\n`, home: dir });

  const open = async (destination: SshDestination): Promise<SshTarget> =>
    openSshTarget({ ...destination, identityFiles: [key.privateKeyFile] }, connectOptions(dir, scriptedPrompts({ trust: false })));

  const probe = (target: SshTarget, host: string, port: number) => target.run('node', ['-e', PROBE, host, String(port)], { timeoutMs: 20_000 });

  let target: SshTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('connects through the ssh config\'s ProxyCommand, to a server that cannot reach this machine\'s 127.0.0.1', async () => {
    target = await open(await configured());
    const links = await target.run('ip', ['-o', 'link']);
    assert.deepEqual(links.stdout.trim().split('\n').map((l) => l.split(':')[1].trim()), ['lo']);
    const direct = await probe(target, '127.0.0.1', service.port);
    assert.equal(direct.stdout.trim(), 'failed ECONNREFUSED');
  });

  it('reaches a service on this machine\'s 127.0.0.1 through the address reach() returns, and no more after close()', async () => {
    target = await open(await configured());
    const reach = await target.reach('127.0.0.1', service.port);
    assert.equal(reach.host, '127.0.0.1');
    assert.notEqual(reach.port, service.port);
    // Twice: each connection is piped on its own.
    assert.equal((await probe(target, reach.host, reach.port)).stdout, greeting);
    assert.equal((await probe(target, reach.host, reach.port)).stdout, greeting);
    await reach.close();
    const after = await probe(target, reach.host, reach.port);
    assert.equal(after.stdout.trim(), 'failed ECONNREFUSED');
    await reach.close(); // a second close is harmless
  });

  it('takes localhost for a loopback name, and passes an address of another machine through unchanged', async () => {
    target = await open(await configured());
    const reach = await target.reach('localhost', service.port);
    try {
      assert.equal((await probe(target, reach.host, reach.port)).stdout, greeting);
    } finally {
      await reach.close();
    }
    const elsewhere = await target.reach('192.0.2.10', 8443);
    assert.deepEqual({ host: elsewhere.host, port: elsewhere.port }, { host: '192.0.2.10', port: 8443 });
    await elsewhere.close();
  });

  it('drops the connections still open through the forward when it is closed', async () => {
    const holding = await startService(greeting, true);
    try {
      target = await open(await configured());
      const reach = await target.reach('127.0.0.1', holding.port);
      const held = target.run('node', ['-e', HOLD, reach.host, String(reach.port)], { timeoutMs: 20_000 });
      await waitFor(() => holding.sockets.size === 1, 'the forwarded connection');
      await reach.close();
      assert.deepEqual((await held).stdout.trim().split('\n'), ['connected', 'dropped']);
      await waitFor(() => holding.sockets.size === 0, 'the local side to close');
    } finally {
      holding.server.close();
    }
  });

  it('closes a handle whose connection has ended without an error', async () => {
    target = await open(await configured());
    const reach = await target.reach('127.0.0.1', service.port);
    await target.close();
    target = undefined;
    await reach.close();
  });

  it('refuses with SshForwardRefused when the server does not allow remote forwarding', async () => {
    const strict = await startIsolatedSshd({ authorizedKeys: [key.publicKey], hostKey: sshd.hostKey, extraConfig: ['AllowTcpForwarding no'] });
    try {
      target = await open(await configured(strict.proxyCommand));
      const err = await rejectsWith(target.reach('127.0.0.1', service.port), SshCode.ForwardRefused);
      assert.equal(err.params.address, `127.0.0.1:${service.port}`);
    } finally {
      await strict.close();
    }
  });

  it('stops the ProxyCommand\'s processes when the connection is closed', async () => {
    const pidFile = path.join(dir, 'proxy.pid');
    // The shell outlives sshd (sleep): only the client's stop ends it.
    target = await open(await configured(`sh -c 'echo $$ > ${pidFile}; ${sshd.proxyCommand.replace(/'/g, '"')}; sleep 300'`));
    const pid = Number(await fs.readFile(pidFile, 'utf8'));
    assert.ok(alive(pid));
    await target.close();
    target = undefined;
    await waitFor(() => !alive(pid), 'the ProxyCommand to end');
  });

  it('reports a ProxyCommand that ends before the handshake with its exit and its last error output', async () => {
    const err = await rejectsWith(open(await configured(`echo 'proxy: no route to %h:%p as %r' >&2; exit 3`)), SshCode.ProxyCommandFailed);
    assert.equal(err.params.reason, 'exit code 3');
    assert.equal(err.params.stderr, `proxy: no route to ${sshd.host}:22 as ${sshd.user}`);
    assert.match(err.message, /ProxyCommand for isolated-sshd ended before the SSH handshake \(exit code 3\)/);
    const missing = await rejectsWith(open(await configured('no-such-proxy-command-here')), SshCode.ProxyCommandFailed);
    assert.equal(missing.params.reason, 'exit code 127');
    assert.match(String(missing.params.stderr), /no-such-proxy-command-here: .*not found/);
  });

  it('leaves a refusal after the command started to the handshake (an unknown host key)', async () => {
    const prompts = scriptedPrompts({ trust: false });
    const elsewhere = await fs.mkdtemp(path.join(dir, 'known-'));
    const destination = { ...(await configured()), identityFiles: [key.privateKeyFile] };
    await rejectsWith(openSshTarget(destination, connectOptions(elsewhere, prompts)), SshCode.HostKeyNotTrusted);
    assert.equal(prompts.trusted.length, 1);
  });
});

describe('LocalTarget.reach', () => {
  it('returns the same address, which this machine reaches as it is', async () => {
    const service = await startService('local');
    try {
      const reach = await new LocalTarget().reach('127.0.0.1', service.port);
      assert.deepEqual({ host: reach.host, port: reach.port }, { host: '127.0.0.1', port: service.port });
      const text = await new Promise<string>((resolve, reject) => {
        let data = '';
        net.connect(reach.port, reach.host).on('data', (d) => (data += d)).on('end', () => resolve(data)).on('error', reject);
      });
      assert.equal(text, 'local');
      await reach.close();
    } finally {
      service.server.close();
    }
  });
});

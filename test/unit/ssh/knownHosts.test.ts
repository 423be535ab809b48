import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSetupError } from '../../../src/core/errors';
import { addKnownHost, checkHostKey, fingerprint, hostKeyChangedError } from '../../../src/core/target/ssh/knownHosts';
import { SshCode } from '../../../src/core/target/ssh';
import { generateKeyPair, sshdUnavailableReason, type KeyPair } from '../../support/sshd';
import { skipUnless, sshTempDir } from './support';

const blobOf = (key: KeyPair) => Buffer.from(key.publicKey.split(' ')[1], 'base64');

describe('known_hosts', function () {
  this.timeout(20_000);
  let dir: string;
  let a: KeyPair;
  let b: KeyPair;

  before(function () {
    skipUnless(this, sshdUnavailableReason());
  });
  beforeEach(async () => {
    dir = await sshTempDir();
    a = await generateKeyPair(dir, 'a');
    b = await generateKeyPair(dir, 'b');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints fingerprints as ssh-keygen -lf does', async () => {
    for (const key of [a, await generateKeyPair(dir, 'r', { type: 'rsa' })]) {
      const out = spawnSync('ssh-keygen', ['-lf', `${key.privateKeyFile}.pub`], { encoding: 'utf8' }).stdout;
      assert.equal(out.split(' ')[1], fingerprint(blobOf(key)));
    }
  });

  it('matches plain names, comma lists, wildcards, negation and [host]:port', async () => {
    const file = path.join(dir, 'known_hosts');
    const [type, key] = a.publicKey.split(' ');
    await fs.writeFile(file, [`# comment`, `web1,10.0.0.1 ${type} ${key}`, `[10.0.0.2]:2222 ${type} ${key}`, `*.example,!bad.example ${type} ${key}`, ''].join('\n'));
    const check = (host: string, port: number) => checkHostKey([file], host, port, blobOf(a)).then((r) => r.status);
    assert.equal(await check('web1', 22), 'known');
    assert.equal(await check('10.0.0.1', 22), 'known');
    assert.equal(await check('10.0.0.1', 2222), 'unknown');
    assert.equal(await check('10.0.0.2', 2222), 'known');
    assert.equal(await check('10.0.0.2', 22), 'unknown');
    assert.equal(await check('app.example', 22), 'known');
    assert.equal(await check('bad.example', 22), 'unknown');
  });

  it('finds no line for a name longer than any host name, even where a wildcard would match it', async () => {
    // Each hashed line hashes the whole name: a fuzzed name of 600,000 characters against a few
    // thousand hashed lines took 3.5 s before this rule.
    const file = path.join(dir, 'known_hosts');
    const [type, key] = a.publicKey.split(' ');
    await fs.writeFile(file, `* ${type} ${key}\n`);
    assert.equal((await checkHostKey([file], 'a'.repeat(253), 22, blobOf(a))).status, 'known');
    assert.equal((await checkHostKey([file], 'a'.repeat(254), 22, blobOf(a))).status, 'unknown');
  });

  it('reads hashed entries that ssh-keygen -H wrote', async () => {
    const file = path.join(dir, 'known_hosts');
    const [type, key] = a.publicKey.split(' ');
    await fs.writeFile(file, `[127.0.0.1]:2200 ${type} ${key}\nplain.example ${type} ${key}\n`);
    const hashed = spawnSync('ssh-keygen', ['-H', '-f', file], { encoding: 'utf8' });
    assert.equal(hashed.status, 0, hashed.stderr);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(!text.includes('127.0.0.1') && text.startsWith('|1|'), text);
    assert.equal((await checkHostKey([file], '127.0.0.1', 2200, blobOf(a))).status, 'known');
    assert.equal((await checkHostKey([file], 'plain.example', 22, blobOf(a))).status, 'known');
    const changed = await checkHostKey([file], 'plain.example', 22, blobOf(b));
    assert.deepEqual(changed, { status: 'changed', file, line: 2, keyType: type, revoked: false });
  });

  it('reports a changed key with the offending file and line; skips @cert-authority; refuses @revoked', async () => {
    const file = path.join(dir, 'known_hosts');
    const other = path.join(dir, 'other_hosts');
    const [type, key] = a.publicKey.split(' ');
    const [, keyB] = b.publicKey.split(' ');
    await fs.writeFile(other, `\n@cert-authority * ${type} ${keyB}\nhost1 ${type} ${key}\n@revoked * ${type} ${keyB}\n`);
    const changed = await checkHostKey([file, other], 'host1', 22, blobOf(b));
    assert.deepEqual(changed, { status: 'changed', file: other, line: 4, keyType: type, revoked: true });
    const err = hostKeyChangedError('host1', 22, blobOf(b), changed as Extract<typeof changed, { status: 'changed' }>);
    assert.ok(isSetupError(err, SshCode.HostKeyChanged));
    assert.match(err.message, /REVOKED HOST KEY/);
    assert.equal((await checkHostKey([file, other], 'host2', 22, blobOf(a))).status, 'unknown');
  });

  it('builds the OpenSSH changed-key warning with its facts as params', async () => {
    const file = path.join(dir, 'known_hosts');
    await fs.writeFile(file, `x ssh-rsa AAAA\n[127.0.0.1]:2200 ${a.publicKey}\n`);
    const found = await checkHostKey([file], '127.0.0.1', 2200, blobOf(b));
    assert.equal(found.status, 'changed');
    const err = hostKeyChangedError('127.0.0.1', 2200, blobOf(b), found as Extract<typeof found, { status: 'changed' }>);
    const print = fingerprint(blobOf(b));
    assert.match(err.message, /^@@@@+\n@ +WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! +@\n@@@@+\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!/);
    assert.ok(err.message.includes(`The fingerprint for the ED25519 key sent by the remote host is\n${print}.`), err.message);
    assert.ok(err.message.includes(`Add correct host key in ${file} to get rid of this message.`));
    assert.ok(err.message.includes(`Offending ED25519 key in ${file}:2`));
    assert.ok(err.message.endsWith('Host key verification failed.'));
    assert.deepEqual(err.params, { keyType: 'ED25519', fingerprint: print, knownHostsFile: file, line: 2, host: '127.0.0.1', port: 2200, revoked: false });
  });

  it('appends plain lines, creating the folder 0700 and the file 0600, keeping other lines', async () => {
    const file = path.join(dir, 'home', '.ssh', 'known_hosts');
    await addKnownHost(file, '127.0.0.1', 2200, blobOf(a));
    assert.equal((await fs.stat(path.dirname(file))).mode & 0o777, 0o700);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await fs.appendFile(file, '# kept, no newline at the end');
    await addKnownHost(file, 'host.example', 22, blobOf(b));
    const [type, key] = a.publicKey.split(' ');
    const [typeB, keyB] = b.publicKey.split(' ');
    assert.equal(await fs.readFile(file, 'utf8'), `[127.0.0.1]:2200 ${type} ${key}\n# kept, no newline at the end\nhost.example ${typeB} ${keyB}\n`);
    // ssh-keygen finds what we wrote: the format is OpenSSH's own.
    const found = spawnSync('ssh-keygen', ['-F', '[127.0.0.1]:2200', '-f', file], { encoding: 'utf8' });
    assert.equal(found.status, 0, found.stderr);
  });
});

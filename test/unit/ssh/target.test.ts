import assert from 'node:assert/strict';
import { readdirSync, readFileSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SshCode, type SshTarget } from '../../../src/core/target/ssh';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { mountTmpfs, mountUnavailableReason, type Mount } from '../cache/tmpfs';
import { rejectsWith, skipUnless, sshTempDir, trustedTarget } from './support';

/** Every process's command line on this machine (the SSH server is this machine too). */
function allCommandLines(): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    });
}

async function waitForProcess(marker: string): Promise<void> {
  while (!allCommandLines().some((c) => c.includes(marker))) await new Promise((r) => setTimeout(r, 20));
}

async function waitForGone(marker: string): Promise<void> {
  while (allCommandLines().some((c) => c.includes(marker))) await new Promise((r) => setTimeout(r, 20));
}

describe('SshTarget operations, checked against the local file system', function () {
  this.timeout(60_000);
  let dir: string;
  let key: KeyPair;
  let sshd: TestSshd;
  let target: SshTarget;
  let work: string;

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_user');
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    target = await trustedTarget(sshd, key, dir);
  });
  after(async () => {
    await target?.close();
    await sshd?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(dir, 'work-'));
  });

  it('names itself and reports the host facts', async () => {
    assert.equal(target.id, `ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
    assert.equal(target.label, `${sshd.user}@127.0.0.1`);
    assert.equal(target.isLocal, false);
    assert.equal(target.pathStyle, 'posix');
    const facts = await target.facts();
    assert.equal(facts.hostname, os.hostname());
    assert.equal(facts.platform, process.platform);
    assert.equal(facts.arch, process.arch);
    assert.equal(facts.homeDir, os.homedir());
    assert.equal(facts.isAdmin, process.getuid?.() === 0);
    assert.ok(facts.osName && facts.osVersion);
  });

  it('stat, readFile, readdir, mkdir, rename, symlink and remove agree with node:fs', async () => {
    const file = path.join(work, 'a.txt');
    await fs.writeFile(file, 'hello', { mode: 0o640 });
    await fs.chmod(file, 0o640);
    await fs.symlink('a.txt', path.join(work, 'link'));
    assert.deepEqual(await target.stat(file), { kind: 'file', size: 5, mode: 0o640 });
    assert.equal((await target.stat(work))?.kind, 'directory');
    assert.equal((await target.stat(path.join(work, 'link')))?.kind, 'symlink');
    assert.equal(await target.stat(path.join(work, 'missing')), undefined);
    assert.equal((await target.readFile(file, 5)).toString(), 'hello');
    await assert.rejects(target.readFile(file, 4), { code: 'EFBIG' });
    await assert.rejects(target.readFile(path.join(work, 'missing'), 10), { code: 'ENOENT' });

    const deep = path.join(work, 'x', 'y', 'z');
    await target.mkdir(deep, 0o700);
    await target.mkdir(deep, 0o700);
    assert.equal((await fs.stat(deep)).mode & 0o777, 0o700);
    assert.deepEqual((await target.readdir(work)).sort(), ['a.txt', 'link', 'x']);
    await assert.rejects(target.readdir(path.join(work, 'missing')), { code: 'ENOENT' });

    await fs.writeFile(path.join(work, 'b.txt'), 'bee');
    await target.rename(path.join(work, 'b.txt'), file);
    assert.equal(await fs.readFile(file, 'utf8'), 'bee');
    await target.symlink('/etc/hostname', path.join(work, 'abs'));
    assert.equal(await fs.readlink(path.join(work, 'abs')), '/etc/hostname');
    await assert.rejects(target.symlink('/etc/hostname', path.join(work, 'abs')), { code: 'EEXIST' });

    await target.remove(path.join(work, 'x'));
    await target.remove(path.join(work, 'not there'));
    assert.deepEqual((await fs.readdir(work)).sort(), ['a.txt', 'abs', 'link']);
  });

  it('writes atomically with the mode asked (0600, else 0644), replacing, exclusive refuses an existing file, no temp left', async () => {
    const file = path.join(work, "it's a secret.txt");
    await target.writeFileAtomic(file, 'first', { mode: 0o600 });
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await target.writeFileAtomic(file, Buffer.alloc(100_000, 7), { mode: 0o600 });
    assert.equal((await fs.readFile(file)).length, 100_000);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600, 'the replacement is 0600 too');
    await assert.rejects(target.writeFileAtomic(file, 'other', { mode: 0o600, exclusive: true }), { code: 'EEXIST' });
    assert.equal((await fs.readFile(file)).length, 100_000);
    await target.writeFileAtomic(path.join(work, 'new'), 'made', { exclusive: true });
    assert.equal((await fs.stat(path.join(work, 'new'))).mode & 0o777, 0o644);
    assert.deepEqual((await fs.readdir(work)).sort(), ["it's a secret.txt", 'new']);
    await assert.rejects(target.writeFileAtomic(path.join(work, 'missing', 'f'), 'x'), { code: 'ENOENT' });
  });

  it('freeSpace matches statfs', async () => {
    const space = await target.freeSpace(work);
    const local = await fs.statfs(work);
    assert.equal(space.totalBytes, local.blocks * local.bsize);
    // Other processes write meanwhile: allow 64 MiB of drift.
    assert.ok(Math.abs(space.availableBytes - local.bavail * local.bsize) < 64 * 1024 * 1024, `${space.availableBytes} vs ${local.bavail * local.bsize}`);
    assert.equal(space.fsType, local.type);
    assert.ok(space.fsTypeName);
  });

  it('runs commands with quoted arguments, env, cwd, exit codes and stdin', async () => {
    const odd = `it's "$HOME" ; echo pwned \\ \n`;
    const echoed = await target.run('printf', ['%s|%s', odd, '*'], { cwd: work });
    assert.deepEqual(echoed, { code: 0, outcome: { kind: 'exited', code: 0 }, stdout: `${odd}|*`, stderr: '' });
    const env = await target.run('sh', ['-c', 'echo "$GREETING"; pwd; echo oops >&2; exit 3'], { env: { GREETING: "hi 'there'" }, cwd: work });
    assert.deepEqual(env, { code: 3, outcome: { kind: 'exited', code: 3 }, stdout: `hi 'there'\n${work}\n`, stderr: 'oops\n' });
    assert.equal((await target.run('cat', [], { stdin: 'via stdin' })).stdout, 'via stdin');
    assert.equal((await target.run('no-such-command-here', [])).code, 127);
  });

  it('a time-out or an abort stops the remote command (code null, the process gone)', async function () {
    // Far below the commands' 40 s: a command left running fails the test.
    this.timeout(20_000);
    const timedOut = `40.${process.pid}1`;
    assert.equal((await target.run('sleep', [timedOut], { timeoutMs: 200 })).code, null);
    await waitForGone(`sleep ${timedOut}`);
    const aborted = `40.${process.pid}2`;
    const controller = new AbortController();
    const running = target.run('sh', ['-c', `sleep ${aborted}; echo late`], { signal: controller.signal });
    await waitForProcess(`sleep ${aborted}`);
    controller.abort();
    assert.deepEqual(await running, { code: null, outcome: { kind: 'aborted' }, stdout: '', stderr: '' });
    await waitForGone(`sleep ${aborted}`);
  });

  it('a secret sent through stdin is on no process command line while the command runs', async () => {
    const secret = `stdin-secret-${process.pid}-${Date.now()}`;
    const marker = `marker-${process.pid}-stdin`;
    const running = target.run('sh', ['-c', 'read -r secret; sleep 2; printf %s "$secret" | wc -c', marker], { stdin: `${secret}\n` });
    await waitForProcess(marker);
    const lines = allCommandLines();
    assert.ok(lines.some((c) => c.includes(marker)));
    assert.ok(!lines.some((c) => c.includes(secret)));
    assert.equal((await running).stdout.trim(), String(secret.length));
  });

  describe('on full and read-only file systems', () => {
    let full: Mount | undefined;
    let readOnly: Mount | undefined;
    before(async function () {
      skipUnless(this, await mountUnavailableReason());
      full = await mountTmpfs({ sizeBytes: 256 * 1024 });
      readOnly = await mountTmpfs({ sizeBytes: 64 * 1024, readOnly: true });
    });
    after(async () => {
      await full?.unmount();
      await readOnly?.unmount();
    });

    it('ENOSPC on a full disk, the old content kept and no temp file left', async () => {
      const file = path.join(full!.dir, 'config.json');
      await target.writeFileAtomic(file, 'old content', { mode: 0o600 });
      await assert.rejects(target.writeFileAtomic(file, Buffer.alloc(1024 * 1024, 1), { mode: 0o600 }), { code: 'ENOSPC' });
      assert.equal(await fs.readFile(file, 'utf8'), 'old content');
      assert.deepEqual(await fs.readdir(full!.dir), ['config.json']);
    });

    it('EROFS on a read-only file system', async () => {
      await assert.rejects(target.writeFileAtomic(path.join(readOnly!.dir, 'f'), 'x'), { code: 'EROFS' });
      await assert.rejects(target.mkdir(path.join(readOnly!.dir, 'd')), { code: 'EROFS' });
    });
  });

  describe('when the connection drops', () => {
    it('a running command and every later call fail with ConnectionLost', async function () {
      // Far below the command's 30 s: a hang fails the test instead of waiting it out.
      this.timeout(15_000);
      const own = await startSshd({ authorizedKeys: [key.publicKey] });
      const remote = await trustedTarget(own, key, dir);
      try {
        assert.equal((await remote.stat(work))?.kind, 'directory');
        const marker = `30.${process.pid}3`;
        const running = remote.run('sleep', [marker]);
        await waitForProcess(`sleep ${marker}`);
        own.kill();
        const err = await rejectsWith(running, SshCode.ConnectionLost);
        assert.equal(err.params.port, own.port);
        await rejectsWith(remote.stat(work), SshCode.ConnectionLost);
        await rejectsWith(remote.writeFileAtomic(path.join(work, 'f'), 'x'), SshCode.ConnectionLost);
      } finally {
        await remote.close();
        await own.close();
      }
    });
  });
});

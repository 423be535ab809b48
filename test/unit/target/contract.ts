/**
 * The Target contract: the same tests for every Target. Each target under test is this machine
 * (LocalTarget directly, SshTarget through a real sshd on 127.0.0.1), so what a target did is
 * checked with node:fs and /proc, never with the target itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileSystemOfMagic } from '../../../src/core/target/posix/fileSystems';
import type { CommandOutcome, Target } from '../../../src/core/target/target';
import { mountTmpfs, mountUnavailableReason, type Mount } from '../cache/tmpfs';
import { skipUnless } from '../ssh/support';
import { commandLines, running, until } from './processes';

export interface OpenedTarget {
  target: Target;
  close(): Promise<void>;
}

/** A marker unique to this process and call, for commands found again in /proc. */
let markers = 0;
const marker = () => `${40 + (process.pid % 1000) / 1000}${++markers}`;

/** Whether the unprivileged user `nobody` can read `file` (run as root only). */
function nobodyCanRead(file: string): boolean {
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', file]).status === 0;
}

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;

export function targetContract(name: string, open: () => Promise<OpenedTarget>, unavailable: () => string | undefined = () => undefined): void {
  describe(`the Target contract: ${name}`, function () {
    this.timeout(60_000);
    let opened: OpenedTarget;
    let target: Target;
    let dir: string;
    let work: string;

    before(async function () {
      skipUnless(this, unavailable());
      // Open to all (like /tmp), so that another user's access can be tried below.
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'target-contract-'));
      await fs.chmod(dir, 0o755);
      opened = await open();
      target = opened.target;
    });
    after(async () => {
      await opened?.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      work = await fs.mkdtemp(path.join(dir, 'work-'));
      await fs.chmod(work, 0o755);
    });

    it('reports the facts of this machine', async () => {
      const facts = await target.facts();
      assert.equal(facts.hostname, os.hostname());
      assert.equal(facts.platform, process.platform);
      assert.equal(facts.arch, process.arch);
      assert.equal(facts.homeDir, os.homedir());
      assert.equal(facts.elevated, process.getuid?.() === 0);
      // The account's BACKUP_AGENT_RECORD_DIR: this test process's (test/support/recordDir.ts), which the test sshd's sessions get too.
      assert.equal(facts.recordDir, process.env.BACKUP_AGENT_RECORD_DIR);
      assert.ok(facts.osName && facts.osVersion);
    });

    describe('files', () => {
      it('a private file is owner-only (0600), and stays so when replaced; others are 0644, programs 0755', async () => {
        const secret = path.join(work, "it's a secret");
        await target.writeFileAtomic(secret, 'first', { private: true });
        assert.equal(await mode(secret), 0o600);
        await target.writeFileAtomic(secret, Buffer.alloc(100_000, 7), { private: true });
        assert.equal((await fs.readFile(secret)).length, 100_000);
        assert.equal(await mode(secret), 0o600, 'the replacement is private too');
        assert.equal((await target.stat(secret))?.private, true);

        const open = path.join(work, 'open');
        await target.writeFileAtomic(open, 'for all');
        assert.equal(await mode(open), 0o644);
        assert.equal((await target.stat(open))?.private, false);
        const program = path.join(work, 'program');
        await target.writeFileAtomic(program, '#!/bin/sh\n', { executable: true });
        assert.equal(await mode(program), 0o755);

        await fs.chmod(secret, 0o640);
        assert.equal((await target.stat(secret))?.private, false, 'group access is not private');
      });

      it('another user really cannot read a private file, and can read one that is not', async function () {
        if (process.getuid?.() !== 0) this.skip(); // trying as another user needs root
        const secret = path.join(work, 'secret');
        const open = path.join(work, 'open');
        await target.writeFileAtomic(secret, 'mine', { private: true });
        await target.writeFileAtomic(open, 'ours');
        assert.equal(nobodyCanRead(open), true, 'nobody reads the shared file (the check itself works)');
        assert.equal(nobodyCanRead(secret), false, 'nobody cannot read the private one');
      });

      it('private folders are 0700, others 0755; mkdir makes every missing level and accepts an existing one', async () => {
        const deep = path.join(work, 'x', 'y', 'z');
        await target.mkdir(deep, { private: true });
        await target.mkdir(deep, { private: true });
        assert.equal(await mode(deep), 0o700);
        assert.equal(await mode(path.join(work, 'x')), 0o700);
        assert.equal((await target.stat(deep))?.private, true);
        await target.mkdir(path.join(work, 'shared'));
        assert.equal(await mode(path.join(work, 'shared')), 0o755);
        assert.equal((await target.stat(path.join(work, 'shared')))?.private, false);
      });

      it('an exclusive write refuses an existing file and keeps it; no temp file is left', async () => {
        const file = path.join(work, 'passphrase.txt');
        await target.writeFileAtomic(file, 'first', { private: true, exclusive: true });
        await assert.rejects(target.writeFileAtomic(file, 'second', { private: true, exclusive: true }), { code: 'EEXIST' });
        assert.equal(await fs.readFile(file, 'utf8'), 'first');
        assert.deepEqual(await fs.readdir(work), ['passphrase.txt']);
        await assert.rejects(target.writeFileAtomic(path.join(work, 'missing', 'f'), 'x'), { code: 'ENOENT' });
      });

      it('stat reports links as links (a dangling one too), files with their size, and nothing for a missing path', async () => {
        const file = path.join(work, 'a.txt');
        await fs.writeFile(file, 'hello');
        await fs.symlink('a.txt', path.join(work, 'link'));
        await fs.symlink('nowhere', path.join(work, 'dangling'));
        assert.deepEqual(await target.stat(file), { kind: 'file', size: 5, private: false });
        assert.equal((await target.stat(work))?.kind, 'directory');
        assert.equal((await target.stat(path.join(work, 'link')))?.kind, 'symlink');
        assert.equal((await target.stat(path.join(work, 'dangling')))?.kind, 'symlink');
        assert.equal(await target.stat(path.join(work, 'missing')), undefined);
      });

      it('readFile reads whole files, refusing one over the limit; readdir lists names', async () => {
        const file = path.join(work, 'a.txt');
        await fs.writeFile(file, 'hello');
        await fs.mkdir(path.join(work, 'sub'));
        assert.equal((await target.readFile(file, 5)).toString(), 'hello');
        await assert.rejects(target.readFile(file, 4), { code: 'EFBIG' });
        await assert.rejects(target.readFile(path.join(work, 'missing'), 10), { code: 'ENOENT' });
        assert.deepEqual((await target.readdir(work)).sort(), ['a.txt', 'sub']);
        await assert.rejects(target.readdir(path.join(work, 'missing')), { code: 'ENOENT' });
      });

      it('rename replaces the destination; symlink makes a link and refuses an existing path', async () => {
        const file = path.join(work, 'a.txt');
        await fs.writeFile(file, 'old');
        await fs.writeFile(path.join(work, 'b.txt'), 'new');
        await target.rename(path.join(work, 'b.txt'), file);
        assert.equal(await fs.readFile(file, 'utf8'), 'new');
        assert.deepEqual(await fs.readdir(work), ['a.txt']);
        await target.symlink('/etc/hostname', path.join(work, 'abs'));
        assert.equal(await fs.readlink(path.join(work, 'abs')), '/etc/hostname');
        await assert.rejects(target.symlink('/etc/hostname', path.join(work, 'abs')), { code: 'EEXIST' });
      });

      it('remove takes a folder tree, a link but not what it points to, and a missing path without error', async () => {
        await fs.mkdir(path.join(work, 'x', 'y'), { recursive: true });
        await fs.writeFile(path.join(work, 'x', 'y', 'f'), 'f');
        await fs.writeFile(path.join(work, 'kept'), 'kept');
        await fs.symlink('kept', path.join(work, 'link'));
        await target.remove(path.join(work, 'x'));
        await target.remove(path.join(work, 'link'));
        await target.remove(path.join(work, 'not there'));
        assert.deepEqual(await fs.readdir(work), ['kept']);
      });

      it('freeSpace matches statfs and names the file system as this machine does', async () => {
        const space = await target.freeSpace(work);
        const local = await fs.statfs(work);
        assert.equal(space.totalBytes, local.blocks * local.bsize);
        // Other processes write meanwhile: allow 64 MiB of drift.
        assert.ok(Math.abs(space.availableBytes - local.bavail * local.bsize) < 64 * 1024 * 1024, `${space.availableBytes} vs ${local.bavail * local.bsize}`);
        assert.deepEqual(space.fileSystem, fileSystemOfMagic(local.type));
        assert.notEqual(space.fileSystem.kind, 'unknown');
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

        it('a replace that fails (ENOSPC) leaves the old content and no temp file', async () => {
          const file = path.join(full!.dir, 'config.json');
          await target.writeFileAtomic(file, 'old content', { private: true });
          await assert.rejects(target.writeFileAtomic(file, Buffer.alloc(1024 * 1024, 1), { private: true }), { code: 'ENOSPC' });
          assert.equal(await fs.readFile(file, 'utf8'), 'old content');
          assert.deepEqual(await fs.readdir(full!.dir), ['config.json']);
          assert.deepEqual((await target.freeSpace(full!.dir)).fileSystem, { name: 'tmpfs', kind: 'local' });
        });

        it('EROFS on a read-only file system', async () => {
          await assert.rejects(target.writeFileAtomic(path.join(readOnly!.dir, 'f'), 'x'), { code: 'EROFS' });
          await assert.rejects(target.mkdir(path.join(readOnly!.dir, 'd')), { code: 'EROFS' });
        });
      });
    });

    describe('commands', () => {
      const outcome = async (command: string, args: string[], options = {}): Promise<CommandOutcome> => (await target.run(command, args, options)).outcome;

      it('an exit, with its code and output; arguments arrive verbatim, with env and cwd', async () => {
        assert.deepEqual(await outcome('true', []), { kind: 'exited', code: 0 });
        const odd = `it's "$HOME" ; echo pwned \\ \n`;
        assert.deepEqual(await target.run('printf', ['%s|%s', odd, '*'], { cwd: work }), { outcome: { kind: 'exited', code: 0 }, stdout: `${odd}|*`, stderr: '' });
        const env = await target.run('sh', ['-c', 'echo "$GREETING"; pwd; echo oops >&2; exit 3'], { env: { GREETING: "hi 'there'" }, cwd: work });
        assert.deepEqual(env, { outcome: { kind: 'exited', code: 3 }, stdout: `hi 'there'\n${work}\n`, stderr: 'oops\n' });
      });

      it('stdin reaches the command, and a secret sent that way is on no command line', async () => {
        assert.equal((await target.run('cat', [], { stdin: 'via stdin' })).stdout, 'via stdin');
        const secret = `stdin-secret-${process.pid}-${Date.now()}`;
        const tag = `marker-${marker()}`;
        const result = target.run('sh', ['-c', 'read -r secret; sleep 2; printf %s "$secret" | wc -c', tag], { stdin: `${secret}\n` });
        await until(() => running(tag), 'the command to start');
        assert.ok(!commandLines().some((c) => c.includes(secret)));
        assert.equal((await result).stdout.trim(), String(secret.length));
      });

      it('a program that is not there is not found; one that cannot run is not started', async () => {
        assert.deepEqual(await outcome(`no-such-program-${process.pid}`, []), { kind: 'notFound' });
        const notExecutable = path.join(work, 'not-executable');
        await fs.writeFile(notExecutable, '#!/bin/sh\necho hi\n', { mode: 0o644 });
        assert.deepEqual(await outcome(notExecutable, []), { kind: 'notStarted', errno: 'EACCES' });
      });

      it('a slow program is timed out, not found missing, and everything it started is stopped', async () => {
        const sleep = marker();
        // A script whose child would hold the output open: the answer must not wait for the child.
        const slow = path.join(work, 'slow');
        await fs.writeFile(slow, `#!/bin/sh\nsleep ${sleep}\necho late\n`, { mode: 0o755 });
        const started = Date.now();
        assert.deepEqual(await target.run(slow, [], { timeoutMs: 500 }), { outcome: { kind: 'timedOut', afterMs: 500 }, stdout: '', stderr: '' });
        assert.ok(Date.now() - started < 8_000, `answered after ${Date.now() - started} ms`);
        await until(() => !running(`sleep ${sleep}`), "the script's sleep to be stopped");
      });

      it('a time-out that comes due while this process is busy still stops the command', async () => {
        // Node runs due timers before it reads the sockets: over SSH, the time-out can fire before
        // the line in which the session's shell said which process to stop has been read, though
        // it has arrived. The stop must wait for that line, not close the channel without it.
        const sleep = marker();
        const started = Date.now();
        const result = target.run('sh', ['-c', `sleep ${sleep}; echo late`], { timeoutMs: 300 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Busy after the sockets were read (as a loaded extension host can be): the next turn runs timers first.
        await new Promise((resolve) => setImmediate(resolve));
        while (Date.now() - started < 3_000);
        assert.deepEqual(await result, { outcome: { kind: 'timedOut', afterMs: 300 }, stdout: '', stderr: '' });
        assert.ok(Date.now() - started < 8_000, `answered after ${Date.now() - started} ms`);
        await until(() => !running(`sleep ${sleep}`), 'the command to be stopped');
      });

      it('a command aborted while it is being started is aborted, and stopped', async () => {
        // Over SSH the abort comes while the session opens, before anything listens on the channel.
        const sleep = marker();
        const controller = new AbortController();
        const started = Date.now();
        const result = target.run('sh', ['-c', `sleep ${sleep}; echo late`], { signal: controller.signal });
        controller.abort();
        assert.deepEqual(await result, { outcome: { kind: 'aborted' }, stdout: '', stderr: '' });
        assert.ok(Date.now() - started < 8_000, `answered after ${Date.now() - started} ms`);
        await until(() => !running(`sleep ${sleep}`), 'the command to be stopped');
      });

      it('a program ended by a signal it did not get from the target says which', async () => {
        assert.deepEqual(await outcome('sh', ['-c', 'kill -KILL $$']), { kind: 'signal', signal: 'SIGKILL' });
      });

      it('an aborted command is aborted, and stopped; one aborted before it starts never runs', async () => {
        const sleep = marker();
        const controller = new AbortController();
        const result = target.run('sh', ['-c', `sleep ${sleep}; echo late`], { signal: controller.signal });
        await until(() => running(`sleep ${sleep}`), 'the command to start');
        controller.abort();
        assert.deepEqual(await result, { outcome: { kind: 'aborted' }, stdout: '', stderr: '' });
        await until(() => !running(`sleep ${sleep}`), 'the aborted command to be stopped');
        const never = path.join(work, 'never');
        assert.deepEqual(await outcome('touch', [never], { signal: AbortSignal.abort() }), { kind: 'aborted' });
        await assert.rejects(fs.stat(never), { code: 'ENOENT' });
      });
    });
  });
}

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSetupError } from '../../../src/core/errors';
import { nextActionOf } from '../../../src/core/errorCatalogue';
import { Client } from 'ssh2';
import { fileSystemOfMagic } from '../../../src/core/target/posix/fileSystems';
import { openSshTarget, SshCode, SshTarget } from '../../../src/core/target/ssh';
import { connectSsh } from '../../../src/core/target/ssh/connect';
import { probeRemoteShell } from '../../../src/core/target/ssh/probe';
import type { RemoteShell } from '../../../src/core/target/ssh/remoteShell';
import { SshTransport } from '../../../src/core/target/ssh/transport';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { connectOptions, destinationOf, rejectsWith, scriptedPrompts, skipUnless, sshTempDir, trustedTarget } from '../ssh/support';
import { targetContract } from './contract';
import { mountTmpfs, mountUnavailableReason } from '../cache/tmpfs';
import { running, until } from './processes';

targetContract(
  'SshTarget',
  async () => {
    const dir = await sshTempDir();
    let sshd: TestSshd | undefined;
    try {
      const key = await generateKeyPair(dir, 'id_user');
      sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      const target = await trustedTarget(sshd, key, dir);
      return {
        target,
        close: async () => {
          await target.close();
          await sshd!.close();
          await fs.rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await sshd?.close();
      await fs.rm(dir, { recursive: true, force: true });
      throw err;
    }
  },
  sshdUnavailableReason,
);

describe('SshTarget', function () {
  this.timeout(60_000);
  let dir: string;
  let key: KeyPair;

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_user');
  });
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("finds the shell's process id after what the login's startup files write on stderr, which stays out of the command's stderr", async () => {
    // A .bashrc that runs stty without a terminal says so on stderr, before the command line runs.
    const home = await fs.mkdtemp(path.join(dir, 'home-'));
    await fs.writeFile(path.join(home, '.bashrc'), `echo "stty: 'standard input': Inappropriate ioctl for device" >&2\nprintf 'no newline' >&2\n`);
    const sshd = await startSshd({ authorizedKeys: [key.publicKey], env: { HOME: home } });
    const target = await trustedTarget(sshd, key, dir);
    try {
      assert.deepEqual(await target.run('sh', ['-c', 'echo oops >&2; exit 3']), { outcome: { kind: 'exited', code: 3 }, stdout: '', stderr: 'oops\n' });
      const sleep = `${41 + (process.pid % 1000) / 1000}`;
      const started = Date.now();
      assert.deepEqual(await target.run('sh', ['-c', `sleep ${sleep}; echo late`], { timeoutMs: 500 }), { outcome: { kind: 'timedOut', afterMs: 500 }, stdout: '', stderr: '' });
      assert.ok(Date.now() - started < 8_000, `answered after ${Date.now() - started} ms`);
      await until(() => !running(`sleep ${sleep}`), 'the command to be stopped');
    } finally {
      await target.close();
      await sshd.close();
    }
  });

  it("refuses a server whose login writes to every command's output, saying what it writes, with a next step", async () => {
    const home = await fs.mkdtemp(path.join(dir, 'home-'));
    await fs.writeFile(path.join(home, '.bashrc'), 'echo\necho "Welcome to server"\n');
    const sshd = await startSshd({ authorizedKeys: [key.publicKey], env: { HOME: home } });
    try {
      const known = await fs.mkdtemp(path.join(dir, 'known-'));
      await fs.writeFile(path.join(known, 'known_hosts'), `${sshd.knownHostsLine}\n`);
      const err = await rejectsWith(openSshTarget(destinationOf(sshd, [key.privateKeyFile]), connectOptions(known, scriptedPrompts({ trust: false }))), SshCode.LoginWritesOutput);
      assert.equal(err.params.output, 'Welcome to server');
      assert.match(err.message, /writes "Welcome to server" before the output of every command/);
      assert.equal(nextActionOf(err.code), 'quietLoginOutput');
      // A login that writes only blank lines is quoted so that the message shows them.
      await fs.writeFile(path.join(home, '.bashrc'), 'echo; echo\n');
      const blank = await rejectsWith(openSshTarget(destinationOf(sshd, [key.privateKeyFile]), connectOptions(known, scriptedPrompts({ trust: false }))), SshCode.LoginWritesOutput);
      assert.equal(blank.params.output, '\\n\\n');
      assert.match(blank.message, /writes "\\n\\n" before the output/);
    } finally {
      await sshd.close();
    }
  });

  it('names itself by its destination', async () => {
    const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    const target = await trustedTarget(sshd, key, dir);
    try {
      assert.deepEqual([target.id, target.label, target.isLocal, target.pathStyle], [`ssh://${sshd.user}@127.0.0.1:${sshd.port}`, `${sshd.user}@127.0.0.1`, false, 'posix']);
    } finally {
      await target.close();
      await sshd.close();
    }
  });

  it('refuses a server whose shell does not answer as a POSIX shell, saying so, with a next step', async () => {
    // What Windows' cmd.exe answers to `uname -s`, for every command.
    const sshd = await startSshd({ authorizedKeys: [key.publicKey], forceCommand: `echo "'uname' is not recognized as an internal or external command," >&2; exit 1` });
    try {
      const known = await fs.mkdtemp(path.join(dir, 'known-'));
      await fs.writeFile(path.join(known, 'known_hosts'), `${sshd.knownHostsLine}\n`);
      const err = await rejectsWith(openSshTarget(destinationOf(sshd, [key.privateKeyFile]), connectOptions(known, scriptedPrompts({ trust: false }))), SshCode.ShellUnsupported);
      assert.equal(err.params.port, sshd.port);
      assert.match(err.message, /does not support yet \(`uname -s` answered: exit code 1\)/);
      assert.equal(nextActionOf(err.code), 'chooseServer');
    } finally {
      await sshd.close();
    }
  });

  describe('the file system of a folder', () => {
    let sshd: TestSshd;
    let shell: RemoteShell;
    let target: SshTarget;
    const execs: string[] = [];
    const proto = Client.prototype as unknown as { exec: (...args: unknown[]) => unknown };
    const exec = proto.exec;

    before(async () => {
      sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      const known = await fs.mkdtemp(path.join(dir, 'known-'));
      await fs.writeFile(path.join(known, 'known_hosts'), `${sshd.knownHostsLine}\n`);
      const destination = destinationOf(sshd, [key.privateKeyFile]);
      const options = connectOptions(known, scriptedPrompts({ trust: false }));
      const transport = new SshTransport(destination, await connectSsh(destination, options), options.logger);
      shell = await probeRemoteShell(transport);
      target = new SshTarget(transport, shell);
      proto.exec = function (this: unknown, line: unknown, ...rest: unknown[]) {
        execs.push(String(line));
        return exec.call(this, line, ...rest);
      };
    });
    after(async () => {
      proto.exec = exec;
      await target?.close();
      await sshd?.close();
    });
    beforeEach(() => execs.splice(0));

    it('comes from the mount table over SFTP, with no session on the server, named as the shell names it', async () => {
      const { fileSystem } = await target.freeSpace(dir);
      assert.deepEqual(execs, []);
      assert.deepEqual(fileSystem, fileSystemOfMagic((await fs.statfs(dir)).type));
      // The shell's `stat -f`, which a server without the table answers with: the same answer, one session.
      assert.deepEqual(await shell.fileSystem(dir), fileSystem);
      assert.equal(execs.length, 1);
    });

    it('follows symbolic links to the mount the folder is really on', async function () {
      skipUnless(this, await mountUnavailableReason());
      const mount = await mountTmpfs({ sizeBytes: 64 * 1024 });
      const link = path.join(dir, 'cache-link');
      try {
        await fs.symlink(mount.dir, link);
        assert.deepEqual((await target.freeSpace(link)).fileSystem, { name: 'tmpfs', kind: 'local' });
        assert.deepEqual(execs, []);
      } finally {
        await fs.rm(link, { force: true });
        await mount.unmount();
      }
    });
  });

  describe('when the connection drops', () => {
    let sshd: TestSshd;
    let target: SshTarget;
    let work: string;
    beforeEach(async () => {
      sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      target = await trustedTarget(sshd, key, dir);
      work = await fs.mkdtemp(path.join(dir, 'work-'));
    });
    afterEach(async () => {
      await target.close();
      await sshd.close();
    });

    it('a running command and every later call fail with ConnectionLost', async function () {
      // Far below the command's 30 s: a hang fails the test instead of waiting it out.
      this.timeout(15_000);
      assert.equal((await target.stat(work))?.kind, 'directory');
      const sleep = `30.${process.pid}3`;
      const result = target.run('sleep', [sleep]);
      await until(() => running(`sleep ${sleep}`), 'the command to start');
      sshd.kill();
      const err = await rejectsWith(result, SshCode.ConnectionLost);
      assert.equal(err.params.port, sshd.port);
      await rejectsWith(target.stat(work), SshCode.ConnectionLost);
      await rejectsWith(target.writeFileAtomic(path.join(work, 'f'), 'x'), SshCode.ConnectionLost);
      assert.ok(isSetupError(await target.run('true', []).catch((e: unknown) => e), SshCode.ConnectionLost));
    });
  });
});

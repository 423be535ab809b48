import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSetupError } from '../../../src/core/errors';
import { nextActionOf } from '../../../src/core/errorCatalogue';
import { openSshTarget, SshCode, type SshTarget } from '../../../src/core/target/ssh';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { connectOptions, destinationOf, rejectsWith, scriptedPrompts, skipUnless, sshTempDir, trustedTarget } from '../ssh/support';
import { targetContract } from './contract';
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

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openSshTarget, SshCode } from '../../../src/core/target/ssh';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { connectOptions, destinationOf, rejectsWith, scriptedPrompts, skipUnless, sshTempDir } from './support';

const PASSPHRASE = 'correct horse battery staple 7';

function keygenFingerprint(key: KeyPair): string {
  return spawnSync('ssh-keygen', ['-lf', `${key.privateKeyFile}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
}

describe('SSH connect against a real sshd', function () {
  this.timeout(60_000);
  let dir: string;
  let userKey: KeyPair;
  let encryptedKey: KeyPair;
  let sshd: TestSshd;

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await sshTempDir();
    userKey = await generateKeyPair(dir, 'id_user');
    encryptedKey = await generateKeyPair(dir, 'id_encrypted', { passphrase: PASSPHRASE });
    sshd = await startSshd({ authorizedKeys: [userKey.publicKey, encryptedKey.publicKey] });
  });
  after(async () => {
    await sshd?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  let known: string;
  beforeEach(async () => {
    known = await fs.mkdtemp(path.join(dir, 'known-'));
  });

  describe('host keys', () => {
    it('asks about an unknown host with its fingerprint; declined: HostKeyNotTrusted and known_hosts untouched', async () => {
      const prompts = scriptedPrompts({ trust: false });
      const options = connectOptions(known, prompts);
      const err = await rejectsWith(openSshTarget(destinationOf(sshd, [userKey.privateKeyFile]), options), SshCode.HostKeyNotTrusted);
      assert.deepEqual(prompts.trusted, [{ hostPattern: `[127.0.0.1]:${sshd.port}`, keyType: 'ssh-ed25519', fingerprint: keygenFingerprint(sshd.hostKey) }]);
      assert.equal(err.params.fingerprint, keygenFingerprint(sshd.hostKey));
      await assert.rejects(fs.stat(options.knownHostsFiles![0]), { code: 'ENOENT' });
    });

    it('accepted: adds the line, and the next connection does not ask', async () => {
      const prompts = scriptedPrompts({ trust: true });
      const options = connectOptions(known, prompts);
      const target = await openSshTarget(destinationOf(sshd, [userKey.privateKeyFile]), options);
      await target.close();
      assert.equal(await fs.readFile(options.knownHostsFiles![0], 'utf8'), `${sshd.knownHostsLine}\n`);
      assert.equal(prompts.trusted.length, 1);
      const again = await openSshTarget(destinationOf(sshd, [userKey.privateKeyFile]), options);
      await again.close();
      assert.equal(prompts.trusted.length, 1);
    });

    it('refuses a changed host key with OpenSSH\'s warning, without asking or authenticating', async () => {
      const first = await startSshd({ authorizedKeys: [encryptedKey.publicKey] });
      let second: TestSshd | undefined;
      try {
        const file = path.join(known, 'known_hosts');
        await fs.writeFile(file, `# earlier entries\n${first.knownHostsLine}\n`);
        await first.close();
        second = await startSshd({ authorizedKeys: [encryptedKey.publicKey], port: first.port });
        const prompts = scriptedPrompts({ trust: true, passphrases: [PASSPHRASE] });
        const err = await rejectsWith(openSshTarget(destinationOf(second, [encryptedKey.privateKeyFile]), connectOptions(known, prompts)), SshCode.HostKeyChanged);
        const print = keygenFingerprint(second.hostKey);
        assert.match(err.message, /WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/);
        assert.match(err.message, /IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!/);
        assert.ok(err.message.includes(`The fingerprint for the ED25519 key sent by the remote host is\n${print}.`), err.message);
        assert.ok(err.message.includes(`Offending ED25519 key in ${file}:2`), err.message);
        assert.deepEqual(err.params, { keyType: 'ED25519', fingerprint: print, knownHostsFile: file, line: 2, host: '127.0.0.1', port: first.port, revoked: false });
        assert.deepEqual(prompts.trusted, []);
        // No authentication began: the encrypted key's passphrase was never asked for.
        assert.deepEqual(prompts.passphraseAsked, []);
        assert.equal(await fs.readFile(file, 'utf8'), `# earlier entries\n${first.knownHostsLine}\n`);
      } finally {
        await first.close();
        await second?.close();
      }
    });
  });

  describe('authentication', () => {
    const trusted = async () => {
      await fs.writeFile(path.join(known, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    };

    it('a key the server does not accept: AuthenticationFailed naming what was tried', async () => {
      await trusted();
      const stranger = await generateKeyPair(known, 'id_stranger');
      const err = await rejectsWith(openSshTarget(destinationOf(sshd, [stranger.privateKeyFile]), connectOptions(known, scriptedPrompts())), SshCode.AuthenticationFailed);
      assert.equal(err.params.tried, `publickey ${stranger.privateKeyFile}`);
      assert.equal(err.params.offered, 'publickey');
    });

    it('an encrypted key: asks for its passphrase, once more when wrong, and connects', async () => {
      await trusted();
      const prompts = scriptedPrompts({ passphrases: ['wrong one', PASSPHRASE] });
      const options = connectOptions(known, prompts);
      const target = await openSshTarget(destinationOf(sshd, [encryptedKey.privateKeyFile]), options);
      await target.close();
      assert.deepEqual(prompts.passphraseAsked, [encryptedKey.privateKeyFile, encryptedKey.privateKeyFile]);
      assert.ok(!options.logger.lines.join('\n').includes(PASSPHRASE));
    });

    it('a wrong passphrase twice: KeyUnusable', async () => {
      await trusted();
      const prompts = scriptedPrompts({ passphrases: ['wrong one', 'wrong two'] });
      const err = await rejectsWith(openSshTarget(destinationOf(sshd, [encryptedKey.privateKeyFile]), connectOptions(known, prompts)), SshCode.KeyUnusable);
      assert.equal(err.params.keyFile, encryptedKey.privateKeyFile);
      assert.ok(!JSON.stringify(err).includes('wrong one') && !JSON.stringify(err).includes('wrong two'));
    });

    it('a declined passphrase skips the key and goes on with the next one', async () => {
      await trusted();
      const prompts = scriptedPrompts();
      const target = await openSshTarget(destinationOf(sshd, [encryptedKey.privateKeyFile, path.join(known, 'absent'), userKey.privateKeyFile]), connectOptions(known, prompts));
      await target.close();
      assert.deepEqual(prompts.passphraseAsked, [encryptedKey.privateKeyFile]);
    });

    describe('with ssh-agent', () => {
      let agent: ChildProcess;
      let socket: string;
      before(async () => {
        socket = path.join(dir, 'agent.sock');
        agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
        for (let i = 0; i < 100 && !(await fs.stat(socket).catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 50));
        const added = spawnSync('ssh-add', [userKey.privateKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
        assert.equal(added.status, 0, added.stderr);
      });
      after(() => {
        agent?.kill();
      });

      it('authenticates with the agent before any key file', async () => {
        await trusted();
        const prompts = scriptedPrompts();
        const target = await openSshTarget(destinationOf(sshd, [encryptedKey.privateKeyFile]), connectOptions(known, prompts, { agentSocket: socket }));
        await target.close();
        assert.deepEqual(prompts.passphraseAsked, []);
      });

      it('an agent that is gone is skipped', async () => {
        await trusted();
        const options = connectOptions(known, scriptedPrompts(), { agentSocket: path.join(dir, 'no-agent.sock') });
        const target = await openSshTarget(destinationOf(sshd, [userKey.privateKeyFile]), options);
        await target.close();
        assert.ok(options.logger.lines.some((l) => /the agent cannot be used \(.+\); skipped\./.test(l)), options.logger.lines.join('\n'));
      });
    });
  });

  describe('passwords', () => {
    let passwordSshd: TestSshd;
    before(async () => {
      passwordSshd = await startSshd({ passwordAuthentication: true });
    });
    after(async () => {
      await passwordSshd?.close();
    });

    it('a wrong password: asked as often as OpenSSH asks, then AuthenticationFailed', async () => {
      const password = 'definitely-not-the-password-42';
      const prompts = scriptedPrompts({ passwords: [password, password, password, password] });
      const options = connectOptions(known, prompts);
      const err = await rejectsWith(openSshTarget(destinationOf(passwordSshd), options), SshCode.AuthenticationFailed);
      assert.equal(prompts.passwordAsked, 3);
      assert.equal(err.params.tried, 'password');
      assert.ok(!JSON.stringify(err).includes(password) && !options.logger.lines.join('\n').includes(password));
    });

    describe('for a throwaway account', () => {
      const user = `sshtest${process.pid}`;
      const password = `Pw-${process.pid}-throwaway`;
      before(function () {
        skipUnless(this, process.getuid?.() === 0 ? undefined : 'creating an account needs root');
        const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', user], { encoding: 'utf8' });
        assert.equal(made.status, 0, made.stderr);
        const set = spawnSync('chpasswd', [], { input: `${user}:${password}\n`, encoding: 'utf8' });
        assert.equal(set.status, 0, set.stderr);
      });
      after(() => {
        spawnSync('userdel', ['-r', user], { encoding: 'utf8' });
      });

      it('the right password logs in', async () => {
        const prompts = scriptedPrompts({ passwords: [password] });
        const target = await openSshTarget(destinationOf(passwordSshd, [], user), connectOptions(known, prompts));
        try {
          const result = await target.run('id', ['-un']);
          assert.equal(result.stdout.trim(), user);
          assert.equal((await target.facts()).elevated, false);
        } finally {
          await target.close();
        }
        assert.equal(prompts.passwordAsked, 1);
      });
    });
  });

  it('a port nobody listens on: ConnectFailed', async () => {
    const err = await rejectsWith(openSshTarget({ ...destinationOf(sshd), port: 1 }, connectOptions(known, scriptedPrompts())), SshCode.ConnectFailed);
    assert.equal(err.params.port, 1);
  });

  it('a server that never answers: ConnectFailed after readyTimeoutMs', async () => {
    // Reads what the client sends and never answers.
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => accepted.push(socket.resume()));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const err = await rejectsWith(openSshTarget({ ...destinationOf(sshd), port }, connectOptions(known, scriptedPrompts(), { readyTimeoutMs: 300 })), SshCode.ConnectFailed);
      assert.match(String(err.params.reason), /no answer/);
    } finally {
      accepted.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an abort while the host key question is open: CancelledError', async () => {
    const controller = new AbortController();
    const prompts = scriptedPrompts();
    prompts.trustNewHost = (_info, signal) =>
      new Promise((_, reject) => {
        signal?.addEventListener('abort', () => reject(new Error('prompt closed')));
        controller.abort();
      });
    await assert.rejects(openSshTarget(destinationOf(sshd, [userKey.privateKeyFile]), connectOptions(known, prompts, { signal: controller.signal })), { name: 'CancelledError' });
  });

  it('a host key question answered yes after the cancel: CancelledError, and known_hosts untouched', async () => {
    const controller = new AbortController();
    let answer: (trust: boolean) => void = () => undefined;
    const prompts = scriptedPrompts();
    prompts.trustNewHost = () =>
      new Promise((resolve) => {
        answer = resolve;
        controller.abort();
      });
    const options = connectOptions(known, prompts, { signal: controller.signal });
    await assert.rejects(openSshTarget(destinationOf(sshd, [userKey.privateKeyFile]), options), { name: 'CancelledError' });
    answer(true);
    // Time for a wrongly added line to land (a slow machine can only make this pass, never fail wrongly).
    await new Promise((resolve) => setTimeout(resolve, 500));
    await assert.rejects(fs.stat(options.knownHostsFiles![0]), { code: 'ENOENT' });
    assert.ok(!options.logger.lines.some((l) => l.includes('added')), options.logger.lines.join('\n'));
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret } from '../../../src/core/secret';
import type { ProxyEndpoint } from '../../../src/core/proxy/resolve';
import { openSshTarget, SshCode } from '../../../src/core/target/ssh';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { generateKeyPair, sshdUnavailableReason, startSshd, type KeyPair, type TestSshd } from '../../support/sshd';
import { connectOptions, destinationOf, rejectsWith, scriptedPrompts, skipUnless, sshTempDir } from './support';

const PROXY_USER = 'sshproxy';
const PROXY_PASSWORD = 'Squid-pass-for-ssh-9';

function endpoint(squid: Squid, password?: string): ProxyEndpoint {
  const authorization = password === undefined ? undefined : new Secret(`Basic ${Buffer.from(`${PROXY_USER}:${password}`).toString('base64')}`);
  return { origin: squid.origin, host: '127.0.0.1', port: squid.port, username: PROXY_USER, authorization };
}

describe('SSH routes: HTTP proxy and ProxyJump', function () {
  this.timeout(60_000);
  let dir: string;
  let key: KeyPair;
  let sshd: TestSshd;

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await sshTempDir();
    key = await generateKeyPair(dir, 'id_user');
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  });
  after(async () => {
    await sshd?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('through squid', () => {
    let squid: Squid;
    before(async function () {
      skipUnless(this, squidUnavailableReason());
      squid = await startSquid({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    });
    after(async () => {
      await squid?.stop();
    });

    it('connects with CONNECT and Proxy-Authorization', async () => {
      const options = connectOptions(await fs.mkdtemp(path.join(dir, 'known-')), scriptedPrompts(), { proxy: endpoint(squid, PROXY_PASSWORD) });
      const target = await openSshTarget(destinationOf(sshd, [key.privateKeyFile]), options);
      try {
        assert.equal((await target.facts()).hostname, os.hostname());
      } finally {
        await target.close();
      }
      assert.ok(!options.logger.lines.join('\n').includes(PROXY_PASSWORD));
    });

    it('a refused proxy login: ConnectFailed naming the proxy and its answer', async () => {
      const err = await rejectsWith(
        openSshTarget(destinationOf(sshd, [key.privateKeyFile]), connectOptions(await fs.mkdtemp(path.join(dir, 'known-')), scriptedPrompts(), { proxy: endpoint(squid, 'wrong-proxy-password') })),
        SshCode.ConnectFailed,
      );
      assert.equal(err.params.via, squid.origin);
      assert.match(String(err.params.reason), /407/);
      assert.ok(!JSON.stringify(err).includes('wrong-proxy-password'));
    });
  });

  describe('ProxyJump', () => {
    let jump: TestSshd;
    before(async () => {
      jump = await startSshd({ authorizedKeys: [key.publicKey] });
    });
    after(async () => {
      await jump?.close();
    });

    it('reaches the server through the jump host, checking both host keys', async () => {
      const prompts = scriptedPrompts();
      const destination = { ...destinationOf(sshd, [key.privateKeyFile]), jumps: [destinationOf(jump, [key.privateKeyFile])] };
      const target = await openSshTarget(destination, connectOptions(await fs.mkdtemp(path.join(dir, 'known-')), prompts));
      try {
        assert.deepEqual(prompts.trusted.map((t) => t.hostPattern), [`[127.0.0.1]:${jump.port}`, `[127.0.0.1]:${sshd.port}`]);
        assert.equal((await target.run('echo', ['through'])).stdout, 'through\n');
        // The session rides on the jump host's connection: dropping that drops it.
        jump.kill();
        await rejectsWith(target.run('sleep', ['30']), SshCode.ConnectionLost);
      } finally {
        await target.close();
      }
    });
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listConfigHosts, resolveDestination, SshCode } from '../../../src/core/target/ssh';
import { rejectsWith, sshTempDir } from './support';

const CONFIG = `
# a comment
Host web1 web1.example
  HostName 10.0.0.11
  User deploy
  Port 2201
  IdentityFile ~/.ssh/web_%h_%p_%r
  IdentityFile "/keys/second key"

Host *.internal !secret.internal
  User=ops
  ProxyJump bastion

Host bastion
  HostName bastion.example.net
  User jump
  Port 2222

Host db
  HostName %h.prod.example
  ProxyJump admin@bastion:2022,web1

Host direct
  ProxyJump none

Match host web1
  User ignored

Host *
  User fallback
  Port 2299
  ServerAliveInterval 30
`;

describe('ssh config and destinations', () => {
  let home: string;
  beforeEach(async () => {
    home = await sshTempDir();
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  const resolve = (text: string, configText = CONFIG) => resolveDestination(text, { configText, home, user: 'me' });

  it('resolves an alias: HostName, first value wins, tokens and ~ in IdentityFile', async () => {
    const d = await resolve('web1');
    assert.deepEqual(d, {
      name: 'web1',
      host: '10.0.0.11',
      port: 2201,
      user: 'deploy',
      identityFiles: [path.join(home, '.ssh/web_10.0.0.11_2201_deploy'), '/keys/second key'],
      jumps: [],
    });
  });

  it('applies wildcards and negation, with the catch-all after', async () => {
    const d = await resolve('app.internal');
    assert.equal(d.host, 'app.internal');
    assert.equal(d.user, 'ops');
    assert.equal(d.port, 2299);
    assert.deepEqual(d.jumps.map((j) => [j.host, j.port, j.user]), [['bastion.example.net', 2222, 'jump']]);
    const negated = await resolve('secret.internal');
    assert.equal(negated.user, 'fallback');
    assert.deepEqual(negated.jumps, []);
  });

  it('resolves ProxyJump lists hop by hop through the config; `none` means none', async () => {
    const d = await resolve('db');
    assert.equal(d.host, 'db.prod.example');
    assert.deepEqual(d.jumps.map((j) => `${j.user}@${j.host}:${j.port}`), ['admin@bastion.example.net:2022', 'deploy@10.0.0.11:2201']);
    assert.deepEqual((await resolve('direct')).jumps, []);
  });

  it('keeps ProxyCommand as written with %h %p %r %% expanded; the first of ProxyJump and ProxyCommand wins; `none` means none', async () => {
    const config = `
Host viacmd
  HostName 10.0.0.5
  User deploy
  Port 2200
  ProxyCommand=sh -c 'exec nc "%h" %p' # %r at 100%%
  ProxyJump bastion
Host viajump
  ProxyJump bastion
Host nocmd
  ProxyCommand none
Host *
  ProxyCommand never-used %h
  ProxyJump never-used
`;
    const cmd = await resolve('viacmd', config);
    assert.equal(cmd.proxyCommand, `sh -c 'exec nc "10.0.0.5" 2200' # deploy at 100%`);
    assert.deepEqual(cmd.jumps, []);
    const jump = await resolve('viajump', config);
    assert.equal(jump.proxyCommand, undefined);
    assert.deepEqual(jump.jumps.map((j) => j.host), ['bastion']);
    const none = await resolve('nocmd', config);
    assert.deepEqual([none.proxyCommand, none.jumps], [undefined, []]);
    assert.equal((await resolve('other', config)).proxyCommand, 'never-used other');
  });

  it('lets typed user and port win over the config, and skips Match blocks', async () => {
    const d = await resolve('root@web1:2022');
    assert.equal(d.user, 'root');
    assert.equal(d.port, 2022);
    assert.equal(d.host, '10.0.0.11');
    assert.equal(d.name, 'root@web1:2022');
  });

  it('parses typed destinations, IPv6 included, with the defaults', async () => {
    const plain = await resolve('server.example', '');
    assert.deepEqual([plain.user, plain.host, plain.port], ['me', 'server.example', 22]);
    const v6 = await resolve('admin@[::1]:2200', '');
    assert.deepEqual([v6.user, v6.host, v6.port], ['admin', '::1', 2200]);
    const bare6 = await resolve('fe80::1', '');
    assert.deepEqual([bare6.host, bare6.port], ['fe80::1', 22]);
    const hostPort = await resolve('10.1.2.3:2022', '');
    assert.deepEqual([hostPort.host, hostPort.port], ['10.1.2.3', 2022]);
    const local = await resolveDestination('somewhere', { configText: '', home });
    assert.equal(local.user, os.userInfo().username);
  });

  for (const bad of ['', 'user@', 'a b', 'host:0', 'host:70000', 'host:abc', '-oProxyCommand=x', 'u@[1.2.3.4]:22', 'user@host:22:33', 'us/er@host']) {
    it(`refuses ${JSON.stringify(bad)} with ${SshCode.InvalidDestination}`, async () => {
      const err = await rejectsWith(resolve(bad, ''), SshCode.InvalidDestination);
      assert.equal(err.params.destination, bad);
    });
  }

  it('takes a host name of 253 characters, the most DNS carries, and refuses a longer one, typed or as HostName, saying why', async () => {
    const longest = `${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(61);
    assert.equal(longest.length, 253);
    assert.equal((await resolve(`me@${longest}`, '')).host, longest);
    const typed = await rejectsWith(resolve(`me@${longest}b`, ''), SshCode.InvalidDestination);
    assert.equal(typed.params.reason, 'the host name is 254 characters long, and a host name has at most 253');
    const huge = await rejectsWith(resolve(`me@${'a'.repeat(600_000)}`, ''), SshCode.InvalidDestination);
    assert.equal(huge.params.destination, `me@${'a'.repeat(297)}…`, 'the error shows the start of a huge destination, not all of it');
    const configured = await rejectsWith(resolve('alias', `Host alias\n  HostName ${longest}b\n`), SshCode.InvalidDestination);
    assert.equal(configured.params.reason, 'its HostName is not valid: the host name is 254 characters long, and a host name has at most 253');
  });

  it('refuses a ProxyJump loop', async () => {
    await rejectsWith(resolve('a', 'Host a\n ProxyJump b\nHost b\n ProxyJump a\n'), SshCode.InvalidDestination);
  });

  it('uses the standard key files that exist when the config names none', async () => {
    await fs.mkdir(path.join(home, '.ssh'));
    await fs.writeFile(path.join(home, '.ssh', 'id_rsa'), 'x');
    await fs.writeFile(path.join(home, '.ssh', 'id_ed25519'), 'x');
    const d = await resolve('host.example', '');
    assert.deepEqual(d.identityFiles, [path.join(home, '.ssh', 'id_ed25519'), path.join(home, '.ssh', 'id_rsa')]);
  });

  it('reads the config file and follows Include (relative to ~/.ssh, with wildcards)', async () => {
    await fs.mkdir(path.join(home, '.ssh', 'conf.d'), { recursive: true });
    await fs.writeFile(path.join(home, '.ssh', 'conf.d', 'a.conf'), 'Host inc\n  HostName included.example\n  Port 2023\n');
    const configFile = path.join(home, '.ssh', 'config');
    await fs.writeFile(configFile, 'Include conf.d/*.conf\nHost other\n  HostName other.example\n');
    const d = await resolveDestination('inc', { configFile, home });
    assert.deepEqual([d.host, d.port], ['included.example', 2023]);
    const missing = await resolveDestination('plain', { configFile: path.join(home, 'absent'), home, user: 'u' });
    assert.equal(missing.host, 'plain');
  });

  it('lists the concrete aliases for a picker', () => {
    assert.deepEqual(listConfigHosts(CONFIG), ['web1', 'web1.example', 'bastion', 'db', 'direct']);
  });
});

/**
 * Remote servers for the extension-host suites: real sshd servers on 127.0.0.1 (test/support/sshd.ts),
 * a client key of the test's own, and an ssh config and known_hosts in a temp folder that the
 * extension's settings point to (never the real ~/.ssh). The agent socket is hidden from the
 * extension meanwhile, so only the configured key can log in. close() puts everything back.
 */
import { appendFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';
import * as vscode from 'vscode';
import { generateKeyPair, startSshd, type KeyPair, type TestSshd } from './sshd';

const SSH_SETTINGS = ['ssh.configFile', 'ssh.knownHostsFile', 'ssh.useProxy', 'fleet.concurrency'] as const;
const config = () => vscode.workspace.getConfiguration('backupAgent');

export interface RemoteHost {
  alias: string;
  sshd: TestSshd;
}

export interface RemoteServers {
  dir: string;
  clientKey: KeyPair;
  configFile: string;
  knownHostsFile: string;
  /** Starts an sshd reachable as `alias` in the ssh config; `authorized: false` leaves the client key out. */
  add(alias: string, options?: { authorized?: boolean; identityFile?: string }): Promise<RemoteHost>;
  /** Lets the client key in (for a server added with `authorized: false`); synchronous, so a scripted answer can call it. */
  authorize(host: RemoteHost): void;
  /** An encrypted private key (the passphrase never on a command line) whose public half `add` can authorize. */
  encryptedKey(name: string, passphrase: string): Promise<KeyPair>;
  close(): Promise<void>;
}

export async function startRemoteServers(dir: string): Promise<RemoteServers> {
  const sshDir = path.join(dir, 'ssh');
  await fs.mkdir(sshDir, { recursive: true, mode: 0o700 });
  const clientKey = await generateKeyPair(sshDir, 'client_ed25519');
  const configFile = path.join(sshDir, 'config');
  const knownHostsFile = path.join(sshDir, 'known_hosts');
  await fs.writeFile(configFile, '', { mode: 0o600 });
  await fs.writeFile(knownHostsFile, '', { mode: 0o600 });
  const agentSocket = process.env.SSH_AUTH_SOCK;
  delete process.env.SSH_AUTH_SOCK;
  await config().update('ssh.configFile', configFile, vscode.ConfigurationTarget.Global);
  await config().update('ssh.knownHostsFile', knownHostsFile, vscode.ConfigurationTarget.Global);
  const started: TestSshd[] = [];
  const extraKeys: string[] = [];

  return {
    dir: sshDir,
    clientKey,
    configFile,
    knownHostsFile,
    async add(alias, options = {}) {
      const sshd = await startSshd({ authorizedKeys: options.authorized === false ? [] : [clientKey.publicKey, ...extraKeys] });
      started.push(sshd);
      const entry = [`Host ${alias}`, '  HostName 127.0.0.1', `  Port ${sshd.port}`, `  User ${sshd.user}`, `  IdentityFile ${options.identityFile ?? clientKey.privateKeyFile}`, ''];
      await fs.appendFile(configFile, entry.join('\n'));
      return { alias, sshd };
    },
    authorize(host) {
      appendFileSync(path.join(host.sshd.dir, 'authorized_keys'), `${clientKey.publicKey}\n`);
    },
    async encryptedKey(name, passphrase) {
      const keys = utils.generateKeyPairSync('ed25519', { passphrase, cipher: 'aes256-ctr', comment: name });
      const privateKeyFile = path.join(sshDir, name);
      await fs.writeFile(privateKeyFile, keys.private, { mode: 0o600 });
      extraKeys.push(keys.public);
      return { privateKeyFile, publicKey: keys.public };
    },
    async close() {
      for (const key of SSH_SETTINGS) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
      if (agentSocket !== undefined) process.env.SSH_AUTH_SOCK = agentSocket;
      await Promise.all(started.map((s) => s.close()));
    },
  };
}

/**
 * Many real sshd servers for the fleet tests: each authorises one client key, and one known_hosts
 * file (in the harness's own temp folder, never ~/.ssh) lists every server's host key, so no
 * connection needs a prompt. Prompts that are called anyway are recorded for the test to fail on.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FleetServer } from '../../src/core/fleet';
import type { Logger } from '../../src/core/log';
import { openSshTarget, type SshPrompts } from '../../src/core/target/ssh';
import type { Target } from '../../src/core/target/target';
import { generateKeyPair, startSshd, type KeyPair, type TestSshd } from './sshd';

export interface FleetServers {
  client: KeyPair;
  sshds: TestSshd[];
  knownHostsFile: string;
  /** Prompts that were called; a test fails when this is not empty. */
  promptCalls: string[];
  /** Opens the SSH target of a fleet server with the harness's known_hosts and prompts. */
  openTarget(server: FleetServer, signal: AbortSignal, logger: Logger): Promise<Target>;
  /** Starts one more server; `authorizeClient: false` makes one that refuses the client key. */
  add(options?: { authorizeClient?: boolean }): Promise<TestSshd>;
  /** Brings `sshd` back on the same port with the same host key, now authorising the client. */
  authorizeClient(sshd: TestSshd): Promise<TestSshd>;
  close(): Promise<void>;
}

/** Starts `count` servers, a few at a time (starting them all at once only measures the machine). */
export async function startFleetServers(count: number): Promise<FleetServers> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fleet-sshd-'));
  const client = await generateKeyPair(dir, 'client_ed25519');
  const knownHostsFile = path.join(dir, 'known_hosts');
  const sshds: TestSshd[] = [];
  /** Stopped ones keep their folder (with the host key a restarted one reuses) until close(). */
  const stopped: TestSshd[] = [];
  const promptCalls: string[] = [];
  const prompts: SshPrompts = {
    trustNewHost: async (info) => {
      promptCalls.push(`trustNewHost ${info.hostPattern}`);
      return false;
    },
    keyPassphrase: async (file) => {
      promptCalls.push(`keyPassphrase ${file}`);
      return undefined;
    },
    password: async (d) => {
      promptCalls.push(`password ${d.user}@${d.host}:${d.port}`);
      return undefined;
    },
  };
  const writeKnownHosts = () => fs.writeFile(knownHostsFile, `${sshds.map((s) => s.knownHostsLine).join('\n')}\n`, { mode: 0o600 });

  const harness: FleetServers = {
    client,
    sshds,
    knownHostsFile,
    promptCalls,
    openTarget: (server, signal, logger) => openSshTarget(server.destination, { prompts, knownHostsFiles: [knownHostsFile], logger, signal }),
    async add({ authorizeClient = true } = {}) {
      const sshd = await startSshd({ authorizedKeys: authorizeClient ? [client.publicKey] : [] });
      sshds.push(sshd);
      await writeKnownHosts();
      return sshd;
    },
    async authorizeClient(sshd) {
      sshd.kill();
      stopped.push(sshd);
      const again = await startSshd({ authorizedKeys: [client.publicKey], hostKey: sshd.hostKey, port: sshd.port });
      sshds[sshds.indexOf(sshd)] = again;
      return again;
    },
    async close() {
      await Promise.all(sshds.map((s) => s.close()));
      await Promise.all(stopped.map((s) => s.close()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i += 8) {
      sshds.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => startSshd({ authorizedKeys: [client.publicKey] })))));
    }
    await writeKnownHosts();
  } catch (err) {
    await harness.close();
    throw err;
  }
  return harness;
}

/** A fleet server for `sshd`: its own name at the vault and its own install folder under `root`. */
export function fleetServerFor(sshd: TestSshd, client: KeyPair, key: string, root: string): FleetServer {
  return {
    key,
    destination: { name: key, host: sshd.host, port: sshd.port, user: sshd.user, identityFiles: [client.privateKeyFile], jumps: [] },
    serverName: `fleet-${key}`,
    installFolder: path.join(root, key, 'agent'),
  };
}

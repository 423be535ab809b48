// The local vault for `npm start`: the project's vault CLI (tsx on src/vault/cli.ts) serving a data
// folder from its own process group, with a demo vault and a fresh credentials file for the user.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './host.mjs';
import { sleep } from './net.mjs';

const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = path.join(ROOT, 'src', 'vault', 'cli.ts');
export const DEMO_VAULT = 'demo-vault';

const admin = (dataDir, ...args) => JSON.parse(execFileSync(process.execPath, [TSX, CLI, ...args, '--data', dataDir, '--json'], { cwd: ROOT, encoding: 'utf8' }));

const listening = (port) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

/**
 * Serves `dataDir` on `port`; resolves once it listens, with its CA file and a stop().
 * `logFile` receives the vault's output.
 */
export async function startLocalVault({ dataDir, port, logFile }) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, [TSX, CLI, 'serve', '--data', dataDir, '--port', String(port), '--agent-dir', path.join(ROOT, 'dist', 'agent')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', log, log],
  });
  const kill = (signal) => { try { process.kill(-proc.pid, signal); } catch { /* gone */ } };
  process.once('exit', () => kill('SIGKILL'));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    kill('SIGTERM');
    if ((await Promise.race([gone.then(() => 'exited'), sleep(5000)])) !== 'exited') kill('SIGKILL');
  };
  const end = Date.now() + 60000;
  while (!(await listening(port))) {
    if (proc.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`the local vault did not start on port ${port}; its log: ${logFile}`);
    }
    await sleep(200);
  }
  return { url: `https://127.0.0.1:${port}`, caFile: path.join(dataDir, 'ca.cert.pem'), proc, stop };
}

/** Creates the demo vault unless the folder has one; issues a fresh credentials file into `outDir`. */
export function issueDemoCredentials({ dataDir, outDir }) {
  const vaults = admin(dataDir, 'list');
  const identity = vaults[0]?.identity ?? admin(dataDir, 'create', DEMO_VAULT);
  const name = identity.name;
  fs.mkdirSync(outDir, { recursive: true });
  // Only the newest file of a vault is valid: drop the older ones so the choice is obvious.
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.VaultCredentials')) fs.rmSync(path.join(outDir, f));
  const issued = admin(dataDir, 'credentials', name, '--out', outDir);
  return { vaultName: name, subscriptionId: identity.subscriptionId, file: issued.path, notAfter: issued.notAfter };
}

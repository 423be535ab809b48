/**
 * One registration, change or unregister of an install at a time. A run whose connection was
 * lost may still be running on the server: the next run waits for it rather than racing it over
 * the machine key and the configuration. A lock whose process is gone is taken over.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SetupError } from '../core/errors';
import { nextStep } from '../core/registration/errors';
import { targetWriteError } from '../core/target/files';
import type { Target } from '../core/target/target';
import { agentLogger } from './log';

export const LOCK_WAIT_MS = 3 * 60_000;
const POLL_MS = 200;

/** `target` is this server, to name it in a failure to write the lock (a full disk, say). */
export async function withInstallLock<T>(target: Target, configDir: string, work: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const file = path.join(configDir, 'agent.lock');
  const deadline = Date.now() + waitMs;
  let waited = false;
  for (;;) {
    try {
      await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
      if (await tryLock(file)) break;
    } catch (err) {
      throw targetWriteError(target, file, err);
    }
    const holder = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    // An empty lock is one being written this instant; a gone holder's lock is taken over.
    if (!isRunning(holder) && !(await isFresh(file))) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new SetupError('AgentBusy', `Another setup of this install (process ${holder}) is still running on this server. Wait for it to end, then try again.`, {
        pid: holder,
        ...nextStep('waitAndRetry'),
      });
    }
    if (!waited) agentLogger.info(`Waiting for process ${holder}, another setup of this install, to end.`);
    waited = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await work();
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** Takes the lock with this process's id; false when it exists. A failed write leaves no lock behind. */
async function tryLock(file: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(file, { force: true });
    throw err;
  }
  await handle.close();
  return true;
}

async function isFresh(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && stat.size === 0 && Date.now() - stat.mtimeMs < 5_000;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One owner at a time for a data folder. A running service holds the lock for its lifetime and
 * records its admin URL in it; a CLI admin command holds it for one operation. So an admin
 * command finds either a live service (and goes through its admin API) or a free folder (and
 * works on the files itself), never a service whose memory its file writes would contradict.
 *
 * The lock file is created whole and atomically (link of a complete temp file). A holder whose
 * process is gone left a stale lock, which the next comer removes.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { writeFileAtomic } from '../core/fs/atomic';
import { VaultCode, VaultError } from './errors';
import { readOptional } from './layout';

const lockSchema = z.object({
  pid: z.number().int(),
  kind: z.enum(['serve', 'admin']),
  instanceId: z.string(),
  startedAt: z.string(),
  url: z.string().optional(),
  adminUrl: z.string().optional(),
});
export type LockRecord = z.infer<typeof lockSchema>;

const POLL_MS = 50;

export class DataLock {
  private constructor(
    private readonly file: string,
    private record: LockRecord,
  ) {}

  get instanceId(): string {
    return this.record.instanceId;
  }

  /**
   * Takes the lock, waiting up to `waitMs` for an admin command to finish. A live service's
   * lock is not waited for: its record is returned instead.
   */
  static async acquire(file: string, kind: LockRecord['kind'], waitMs: number): Promise<DataLock | { service: LockRecord }> {
    const record: LockRecord = { pid: process.pid, kind, instanceId: randomUUID(), startedAt: new Date().toISOString() };
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await writeFileAtomic(file, JSON.stringify(record), { exclusive: true, mode: 0o600 });
        return new DataLock(file, record);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const text = await readOptional(file);
      if (text === undefined) continue;
      const holder = parseLock(text);
      if (!holder || !processAlive(holder.pid)) {
        await removeIfUnchanged(file, text);
        continue;
      }
      if (holder.kind === 'serve') return { service: holder };
      if (Date.now() > deadline) {
        throw new VaultError(
          VaultCode.DataBusy,
          `The vault data folder is busy with another admin command (pid ${holder.pid}). Try again.`,
          undefined,
          { pid: holder.pid },
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Records the service's URLs once it listens, for admin commands to find it. */
  async publish(urls: { url: string; adminUrl: string }): Promise<void> {
    this.record = { ...this.record, ...urls };
    await writeFileAtomic(this.file, JSON.stringify(this.record), { mode: 0o600 });
  }

  async release(): Promise<void> {
    const text = await readOptional(this.file);
    if (text !== undefined && parseLock(text)?.instanceId === this.record.instanceId) await removeIfUnchanged(this.file, text);
  }
}

function parseLock(text: string): LockRecord | undefined {
  try {
    return lockSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a lock only if it still holds what was judged stale, so a fresh lock is never removed. */
async function removeIfUnchanged(file: string, text: string): Promise<void> {
  if ((await readOptional(file)) !== text) return;
  await fs.rm(file, { force: true });
}

/**
 * Admin access to a data folder whether or not a service runs on it: through the running
 * service's admin API when the folder's lock records a live one, else on the files themselves
 * while holding the lock (so no service can start half-way through).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { localAdmin, type VaultAdmin } from './admin';
import { remoteAdmin } from './admin-client';
import { isSetupError } from '../core/errors';
import { VaultCode, VaultError } from './errors';
import { prepareDataDir, readOptional } from './layout';
import { DataLock } from './lock';
import { Store } from './store';

/** The endpoint written into files issued before any service ran on the folder. */
export const DEFAULT_ENDPOINT = 'https://127.0.0.1:8443';

export interface VaultAdminSession extends VaultAdmin {
  /** `service`: through the running service; `files`: on the data folder, under its lock. */
  readonly mode: 'service' | 'files';
  close(): Promise<void>;
}

export interface OpenAdminOptions {
  now?: () => Date;
  /** How long to wait for another admin command, or for a starting service to answer. */
  waitMs?: number;
}

export async function openVaultAdmin(dataDir: string, options: OpenAdminOptions = {}): Promise<VaultAdminSession> {
  const layout = await prepareDataDir(path.resolve(dataDir));
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    const lock = await DataLock.acquire(layout.lock, 'admin', Math.max(0, deadline - Date.now()));
    if (lock instanceof DataLock) {
      let store: Store;
      try {
        store = await Store.open(layout.state);
      } catch (err) {
        await lock.release();
        throw err;
      }
      const admin = localAdmin(store, { now: options.now ?? (() => new Date()), endpoint: () => store.state.serviceUrl ?? DEFAULT_ENDPOINT });
      return {
        ...admin,
        mode: 'files',
        close: async () => {
          await store.close();
          await lock.release();
        },
      };
    }
    const { service } = lock;
    const token = (await readOptional(layout.adminToken))?.trim();
    if (service.adminUrl && token) {
      const remote = remoteAdmin(service.adminUrl, token);
      try {
        // The instance id proves the answer comes from the service that holds the lock.
        if ((await remote.status()).instanceId === service.instanceId) return { ...remote, mode: 'service' };
      } catch (err) {
        if (!isSetupError(err, VaultCode.ServiceUnreachable)) {
          await remote.close();
          throw err;
        }
      }
      await remote.close();
    }
    if (Date.now() > deadline) {
      throw new VaultError(
        VaultCode.ServiceUnreachable,
        `The data folder ${layout.dir} records a running vault service (pid ${service.pid}) that does not answer${service.adminUrl ? ` at ${service.adminUrl}` : ''}. If no vault service is running, delete ${layout.lock}.`,
        undefined,
        { pid: service.pid },
      );
    }
    await sleep(100);
  }
}

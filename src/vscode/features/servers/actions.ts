/**
 * What the Servers view does with a server: the palette's own flows (status, change, unregister)
 * against that server over SSH, removing it from the list, and re-checking every server a few at
 * a time. Each action reconnects (through ssh config, as the admin named the server).
 */
import * as vscode from 'vscode';
import { SetupError } from '../../../core/errors';
import { changeProperties, showStatus, unregister } from '../commands/manage';
import { showError, type FeatureContext } from '../context';
import { connectWithProgress, sshConnector } from '../remote/connect';
import { resolveHost } from '../remote/hosts';
import { withRemoteSession } from '../remote/remoteSession';
import { asSetupError, isCancellation, logLine } from '../session/checked';
import { readSettings } from '../settings';
import { checkedRecord, type ServerRecord, type ServerStore } from './store';

type Flow = (remote: FeatureContext) => Promise<void>;

/** Connects to the server and runs `flow` on it; the record then shows what the flow found. */
async function onServer(f: FeatureContext, servers: ServerStore, record: ServerRecord, flow: Flow): Promise<void> {
  const connect = sshConnector(f.ui, f.log, () => f.session.proxy());
  let target;
  try {
    target = await connectWithProgress(connect, await resolveHost(record.destination));
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    await servers.update(record.id, { state: 'unreachable', problem: err.code, lastCheckedAt: new Date().toISOString() });
    await showError(f, err, () => onServer(f, servers, record, flow));
    return;
  }
  if (!target) return;
  await withRemoteSession(f, servers, target, { installFolder: record.installFolder, serverName: record.serverName }, async (remote) => {
    await flow(remote);
    const status = remote.session.snapshot().status;
    if (status) await servers.update(record.id, checkedRecord(status, new Date()));
  });
}

export const serverShowStatus = (f: FeatureContext, servers: ServerStore, record: ServerRecord) => onServer(f, servers, record, showStatus);
export const serverChangeProperties = (f: FeatureContext, servers: ServerStore, record: ServerRecord) => onServer(f, servers, record, changeProperties);
export const serverUnregister = (f: FeatureContext, servers: ServerStore, record: ServerRecord) => onServer(f, servers, record, unregister);

export async function serverRemove(f: FeatureContext, servers: ServerStore, record: ServerRecord): Promise<void> {
  const sure = await f.ui().confirm(
    vscode.l10n.t('Remove {0} from the Servers list?', record.destination),
    vscode.l10n.t('Only the list changes: the server stays registered with its vault.'),
    vscode.l10n.t('Remove'),
  );
  if (sure) await servers.remove(record.id);
}

/** Runs `work` on every item, at most `limit` at once. */
async function eachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Re-checks every server (its configuration and the vault's view), `backupAgent.fleet.concurrency` at a time. */
export async function refreshServers(f: FeatureContext, servers: ServerStore): Promise<void> {
  const records = servers.list();
  if (!records.length) return;
  const connect = sshConnector(f.ui, f.log, () => f.session.proxy());
  const createService = f.session.serviceFactory();
  const title = vscode.l10n.t('Checking {0} servers', records.length);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      await eachBounded(records, readSettings().fleetConcurrency, async (record) => {
        if (controller.signal.aborted) return;
        try {
          const target = await connect(await resolveHost(record.destination), controller.signal);
          try {
            const status = await createService(target).status({ installFolder: record.installFolder || undefined, signal: controller.signal });
            await servers.update(record.id, checkedRecord(status, new Date()));
          } finally {
            await target.close();
          }
        } catch (err) {
          if (isCancellation(err) || controller.signal.aborted) return;
          const error = asSetupError(err);
          f.log.warn(`Checking ${record.destination}: ${logLine(error)}`);
          await servers.update(record.id, { state: 'unreachable', problem: error.code, lastCheckedAt: new Date().toISOString() });
        }
      });
    } finally {
      subscription.dispose();
    }
  });
}

/**
 * What the Servers view does with a server: the palette's own flows (status, change, unregister)
 * against that server (over SSH for a remote one), removing a remote one from the list, and
 * re-checking every server a few at a time. Each remote action reconnects (through ssh config,
 * as the admin named the server).
 */
import * as vscode from 'vscode';
import { SetupError, statusChoice, type Target } from '../../../core/service';
import { changeProperties, showStatus, unregister } from '../commands/manage';
import { showError, type FeatureContext } from '../context';
import { connectWithProgress, sshConnector } from '../remote/connect';
import { resolveHost } from '../remote/hosts';
import { withRemoteSession } from '../remote/remoteSession';
import { asSetupError, isCancellation, logLine } from '../session/checked';
import { readSettings } from '../settings';
import { localSessionTarget } from '../session/target';
import type { ThisServer } from '../status/thisServer';
import { checkedRecord, type ServerRecord, type ServerStore } from './store';
import { THIS_SERVER_ID } from './view';

type Flow = (on: FeatureContext) => Promise<void>;

/** What the view lists: this server and the stored remote ones. */
export interface ServerList {
  store: ServerStore;
  thisServer: ThisServer;
  /** Tests only (FeatureTesting.simulateFleetServers): targets that are a simulated shell, whose rows are never shown as registered. */
  isSimulated?(target: Target): boolean;
}

/** Runs `flow` on the server: this one, or a remote one connected to; its row then shows what the flow found. */
async function onServer(f: FeatureContext, list: ServerList, record: ServerRecord, flow: Flow): Promise<void> {
  if (record.id === THIS_SERVER_ID) return onThisServer(f, list.thisServer, flow);
  const servers = list.store;
  const connect = sshConnector(f.ui, f.log, () => f.session.proxy());
  let target;
  try {
    target = await connectWithProgress(connect, await resolveHost(record.destination));
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    await servers.update(record.id, { state: 'unreachable', problem: err.code, lastCheckedAt: new Date().toISOString() });
    await showError(f, err, () => onServer(f, list, record, flow));
    return;
  }
  if (!target) return;
  await withRemoteSession(f, servers, target, { installFolder: record.installFolder, serverName: record.serverName }, async (remote) => {
    await flow(remote);
    const status = remote.session.snapshot().status;
    if (status) await servers.update(record.id, checkedRecord(status, new Date(), list.isSimulated?.(target) ?? false));
  });
}

/**
 * Runs `flow` with the window's session when it sets up this server (every surface follows at
 * once), else with a session of its own on this server; then reads this server's status again.
 */
async function onThisServer(f: FeatureContext, thisServer: ThisServer, flow: Flow): Promise<void> {
  if (f.session.target.kind === 'local') return flow(f);
  const session = f.session.forTarget(localSessionTarget());
  try {
    await session.ready;
    await flow({ ...f, session });
  } finally {
    session.dispose();
  }
  await thisServer.refresh();
}

export const serverShowStatus = (f: FeatureContext, list: ServerList, record: ServerRecord) => onServer(f, list, record, showStatus);
export const serverChangeProperties = (f: FeatureContext, list: ServerList, record: ServerRecord) => onServer(f, list, record, changeProperties);
export const serverUnregister = (f: FeatureContext, list: ServerList, record: ServerRecord) => onServer(f, list, record, unregister);

/** Takes a remote server off the list; this server is not on the stored list (its menu has no Remove). */
export async function serverRemove(f: FeatureContext, { store: servers }: ServerList, record: ServerRecord): Promise<void> {
  if (record.id === THIS_SERVER_ID) return;
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

/**
 * Re-checks every server (its configuration and the vault's view), this one included,
 * `backupAgent.fleet.concurrency` at a time, each through a service built for the vault service
 * whose agent runs on its system (a Windows server: Azure's, read by the MARS driver).
 */
export async function refreshServers(f: FeatureContext, { store: servers, thisServer, isSimulated }: ServerList): Promise<void> {
  const records = servers.list();
  const connect = sshConnector(f.ui, f.log, () => f.session.proxy());
  const createService = f.session.serviceFactory();
  const title = vscode.l10n.t('Checking {0} servers', records.length + 1);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const thisOne = thisServer.refresh();
      await eachBounded(records, readSettings().fleetConcurrency, async (record) => {
        if (controller.signal.aborted) return;
        try {
          const target = await connect(await resolveHost(record.destination), controller.signal);
          try {
            const service = createService(target, statusChoice(await target.facts(controller.signal)));
            const status = await service.status({ installFolder: record.installFolder || undefined, signal: controller.signal });
            await servers.update(record.id, checkedRecord(status, new Date(), isSimulated?.(target) ?? false));
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
      await thisOne;
    } finally {
      subscription.dispose();
    }
  });
}

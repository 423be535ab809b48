/**
 * "Register Servers…": the fleet wizard, then the core's fleet run under one cancellable
 * notification beside the Fleet Run view, then a notification with the counts (Show Report,
 * Register Failed Again). Registered servers join the Servers list; the report is remembered.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  credentialsForRun,
  type FinalState,
  type FleetInput,
  type FleetReport,
  type FleetServer,
  type Secret,
  type Target,
  type ServerState,
  serversToRetry,
  SetupError,
  startFleet,
  folderForServer,
} from '../../../core/service';
import { COMMANDS, VIEWS } from '../../ids';
import { showError, type FeatureContext } from '../context';
import { configHosts } from '../remote/hosts';
import { sshConnector } from '../remote/connect';
import { ask } from '../commands/run';
import { serverId, type ServerStore } from '../servers/store';
import { localSessionTarget } from '../session/target';
import { readSettings } from '../settings';
import { selectCredentialsStep } from '../wizard/credentialsStep';
import { confirmLocationInDialog } from '../wizard/passphraseSteps';
import { runExecuteSteps } from '../wizard/wizard';
import { LAST_FLEET_REPORT_KEY, countsText, showReportDocument } from './report';
import { fleetSteps, type FleetAnswers } from './steps';
import { askFileFor, probeServer } from './backendFiles';
import { askFolders, type FolderAnswers } from './folders';
import type { FleetRunView } from './view';

export interface FleetDeps {
  servers: ServerStore;
  view: FleetRunView;
  /** The files this window got from Azure (azure/issuedFiles.ts). */
  issued: { has(file: string): boolean };
  /** The configured non-Azure Resource Manager, whose files the core's choice of vault takes as the local vault's (as each server's service does). */
  armEndpoint(): string | undefined;
  /** Tests only (FeatureTesting.simulateFleetServers): targets that are a simulated shell. */
  isSimulated?(target: Target): boolean;
}

const FINAL = new Set<ServerState>(['registered', 'skipped', 'failed', 'cancelled'] satisfies FinalState[]);

export async function registerServers(f: FeatureContext, deps: FleetDeps): Promise<void> {
  const concurrency = readSettings().fleetConcurrency;
  const hosts = await configHosts();
  // The passphrase steps work on a session of their own, so the window's passphrase stays as it is.
  const scratch = f.session.forTarget(localSessionTarget());
  try {
    const ctx: FleetAnswers = {};
    const steps = fleetSteps(f, { ...f, session: scratch }, hosts, concurrency);
    if (!(await ask(f, vscode.l10n.t('Register Servers'), steps, ctx, () => registerServers(f, deps)))) return;
    // The window's session selects the file the fleet registers with, as a single setup does.
    if (!(await runExecuteSteps([selectCredentialsStep(f)], ctx))) return;
    // Each platform's folders, asked during the run once its servers' systems are known (none: each platform's default).
    const folders: FolderAnswers | undefined = ctx.folders === 'custom' ? {} : undefined;
    await runFleet(f, deps, await fleetInput(f, ctx, ctx.passphrase?.value, concurrency), folders);
  } finally {
    scratch.dispose();
  }
}

/**
 * The answers as the core's input. The core creates a per-server passphrase folder once its
 * location is confirmed; the shared policy's steps always leave a passphrase in `shared`.
 */
async function fleetInput(f: FeatureContext, ctx: FleetAnswers, shared: Secret | undefined, concurrency: number): Promise<FleetInput> {
  return {
    servers: ctx.servers ?? [],
    credentialsFile: ctx.credentialsFile!,
    proxy: await f.session.proxy(),
    passphrase: ctx.policy === 'perServer' ? { kind: 'perServer', folder: ctx.passphraseFolder! } : { kind: 'shared', value: shared!, file: ctx.passphraseFile },
    concurrency,
  };
}

/** One run (and, on request, a run of what failed), shown in the Fleet Run view. */
async function runFleet(f: FeatureContext, deps: FleetDeps, started: FleetInput, folders: FolderAnswers | undefined, previous?: FleetReport): Promise<void> {
  const credentialsFile = await fileForRun(f, deps, started.credentialsFile, previous);
  if (!credentialsFile) return;
  const input = { ...started, credentialsFile };
  let report: FleetReport | undefined;
  try {
    report = await withFleetProgress(f, deps, input, folders);
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    await showError(f, err, () => runFleet(f, deps, input, folders));
    return;
  }
  await f.extension.globalState.update(LAST_FLEET_REPORT_KEY, report);
  await recordServers(deps.servers, input, report, folders);
  const show = vscode.l10n.t('Show Report');
  const again = vscode.l10n.t('Register Failed Again');
  const retry = serversToRetry(report, input.servers);
  const { failed, cancelled } = report.counts;
  const chosen = await f.ui().message(failed || cancelled ? 'warning' : 'info', countsText(report), show, ...(retry.length ? [again] : []));
  if (chosen === show) await showReportDocument(report, f.extension.extensionPath);
  else if (chosen === again) await runFleet(f, deps, { ...input, servers: retry }, folders, report);
}

/**
 * The core's choice of file for a run (credentialsForRun): a file from Azure gives way to the
 * session's current one, or to one fresh file for the whole run, got through the Azure command
 * (which asks before superseding the vault's earlier files, and selects the new one).
 */
async function fileForRun(f: FeatureContext, deps: FleetDeps, runFile: string, previous: FleetReport | undefined): Promise<string | undefined> {
  const selected = f.session.snapshot().credentials;
  const current = selected && { file: selected.file, ...(selected.ok && existsSync(selected.file) ? { timeLeftMs: Date.parse(selected.value.expiresAt) - Date.now() } : {}) };
  const choice = credentialsForRun({ runFile, fromAzure: (file) => deps.issued.has(file), current, previous });
  if (choice.kind === 'use') return choice.file;
  f.log.info('The fleet run\'s credentials file from Azure is gone, expired, about to expire or superseded: getting one fresh file for the run.');
  return vscode.commands.executeCommand<string | undefined>(COMMANDS.getCredentialsFromAzure);
}

async function withFleetProgress(f: FeatureContext, deps: FleetDeps, started: FleetInput, folders: FolderAnswers | undefined): Promise<FleetReport> {
  const connect = sshConnector(f.ui, f.log, () => f.session.proxy());
  const openTarget = (server: FleetServer, signal: AbortSignal) => connect(server.destination, signal);
  const createService = f.session.serviceFactory();
  const total = started.servers.length;
  const title = vscode.l10n.t('Registering {0} servers', total);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    let finished = 0;
    // Each server's platform before the plan (its row "connecting"); a mix of agents takes one file per vault service.
    const run = startFleet(started, {
      openTarget,
      probe: probeServer(openTarget),
      fileFor: (agent) => askFileFor(f, agent),
      ...(folders ? { foldersFor: askFolders(f, folders, () => controller.abort()) } : {}),
      createService,
      ...(deps.isSimulated ? { isSimulated: deps.isSimulated } : {}),
      signal: controller.signal,
      logger: f.log,
      armEndpoint: deps.armEndpoint(),
      confirmPassphraseLocation: confirmLocationInDialog(f.ui()),
      onUpdate: (row) => {
        deps.view.update(row);
        if (!FINAL.has(row.state)) return;
        finished++;
        progress.report({ message: vscode.l10n.t('{0} of {1} done', finished, total), increment: 100 / total });
      },
    });
    deps.view.show(run);
    void vscode.commands.executeCommand(`${VIEWS.fleetRun}.focus`);
    try {
      return await run.report;
    } finally {
      subscription.dispose();
    }
  });
}

/** Registered and already-registered servers join the Servers list, each with its agent's install folder. */
async function recordServers(servers: ServerStore, input: FleetInput, report: FleetReport, folders: FolderAnswers | undefined): Promise<void> {
  for (const row of report.rows) {
    const server = input.servers.find((s) => s.key === row.key);
    if (!server || (row.state !== 'registered' && row.state !== 'skipped')) continue;
    await servers.put({
      id: serverId(server.destination),
      destination: server.key,
      installFolder: server.installFolder ?? folderForServer(row.agent && folders?.[row.agent]?.installFolder, server.key) ?? input.installFolder ?? '',
      serverName: row.serverName ?? '',
      vault: report.vault,
      registrationId: row.registrationId,
      state: 'registered',
      lastCheckedAt: row.finishedAt ?? report.finishedAt,
    });
  }
}

export async function showLastFleetReport(f: FeatureContext): Promise<void> {
  const report = f.extension.globalState.get<FleetReport>(LAST_FLEET_REPORT_KEY);
  if (report) await showReportDocument(report, f.extension.extensionPath);
  else void f.ui().message('info', vscode.l10n.t('No servers were registered with "Register Servers…" yet.'));
}

/**
 * The "Fleet Run" view: one row per server of the current (or last) run, with its state icon and
 * its stage or reason; running and queued rows can be cancelled one by one.
 */
import * as vscode from 'vscode';
import type { FleetRun, ServerRow, ServerState } from '../../../core/service';
import { localiseError } from '../errors/localise';
import { nextStepText } from '../errors/showError';
import { stageLabel } from '../progress';

const ICONS: Record<ServerState, [string, string?]> = {
  queued: ['clock'],
  connecting: ['loading~spin'],
  running: ['loading~spin'],
  registered: ['pass', 'testing.iconPassed'],
  skipped: ['pass-filled', 'testing.iconSkipped'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash'],
  simulated: ['beaker'],
};

export function stateLabel(state: ServerState): string {
  const labels: Record<ServerState, string> = {
    queued: vscode.l10n.t('Queued'),
    connecting: vscode.l10n.t('Connecting'),
    running: vscode.l10n.t('Running'),
    registered: vscode.l10n.t('Registered'),
    skipped: vscode.l10n.t('Skipped (already registered)'),
    failed: vscode.l10n.t('Failed'),
    cancelled: vscode.l10n.t('Cancelled'),
    simulated: vscode.l10n.t('Simulated (not registered)'),
  };
  return labels[state];
}

export class FleetRunView implements vscode.TreeDataProvider<ServerRow>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ServerRow | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private rows: ServerRow[] = [];
  private run?: FleetRun;

  constructor(private readonly extensionPath: string) {}

  /** Shows `run`'s rows from now on. */
  show(run: FleetRun): void {
    this.run = run;
    this.rows = run.rows.map((r) => ({ ...r }));
    this.emitter.fire(undefined);
    void vscode.commands.executeCommand('setContext', 'backupAgent.fleetRunShown', true);
  }

  update(row: ServerRow): void {
    const index = this.rows.findIndex((r) => r.key === row.key);
    if (index < 0) return;
    this.rows[index] = { ...row };
    this.emitter.fire(undefined);
  }

  cancel(row: ServerRow): void {
    this.run?.cancel(row.key);
  }

  getChildren(element?: ServerRow): ServerRow[] {
    return element ? [] : this.rows;
  }

  getTreeItem(row: ServerRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.key);
    const [icon, color] = ICONS[row.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const reason = row.reason && localiseError(row.reason, this.extensionPath);
    const doing = row.state === 'running' && row.stage ? stageLabel(row.stage) : undefined;
    item.description = [stateLabel(row.state), doing ?? (row.state === 'failed' ? reason : row.registrationId)].filter(Boolean).join(' — ');
    const next = row.state === 'failed' && row.reason ? nextStepText(row.reason) : undefined;
    item.tooltip = [row.serverName, reason, next, row.passphraseFile && vscode.l10n.t('Passphrase file: {0}', row.passphraseFile)].filter(Boolean).join('\n') || undefined;
    item.contextValue = row.state === 'queued' || row.state === 'connecting' || row.state === 'running' ? 'fleetRow.cancellable' : 'fleetRow';
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

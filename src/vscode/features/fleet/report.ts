/** A fleet run's report: the counts for the notification, a markdown table, the last one remembered. */
import * as vscode from 'vscode';
import type { FleetReport } from '../../../core/service';
import { backendChoiceText } from '../backendChoice';
import { localiseError } from '../errors/localise';
import { nextStepText } from '../errors/showError';
import { stateLabel } from './view';

/** globalState key of the last report (server keys, states, registration ids, reasons: nothing secret). */
export const LAST_FLEET_REPORT_KEY = 'backupAgent.fleet.lastReport';

export function countsText(report: FleetReport): string {
  const { registered, skipped, failed, cancelled } = report.counts;
  const text = vscode.l10n.t('{0} registered, {1} skipped (already registered), {2} failed.', registered, skipped, failed);
  return cancelled ? `${text} ${vscode.l10n.t('{0} cancelled.', cancelled)}` : text;
}

const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function reportMarkdown(report: FleetReport, extensionPath: string): string {
  return [
    `# ${vscode.l10n.t('Fleet registration with vault {0}', report.vault)}`,
    '',
    // A report remembered by an earlier version names no backend.
    ...(report.backend ? [backendChoiceText(report), ''] : []),
    `${vscode.l10n.t('Started {0}, finished {1}.', report.startedAt, report.finishedAt)} ${countsText(report)}`,
    '',
    `| ${vscode.l10n.t('Server')} | ${vscode.l10n.t('Vault service and agent')} | ${vscode.l10n.t('State')} | ${vscode.l10n.t('Registration ID or reason')} |`,
    '| --- | --- | --- | --- |',
    // Each row's own choice: a mixed run gives Windows and Linux servers different agents.
    ...report.rows.map((r) => `| ${cell(r.key)} | ${cell(r.backend && r.agent ? backendChoiceText({ backend: r.backend, agent: r.agent }) : '')} | ${cell(stateLabel(r.state))} | ${cell(r.registrationId ?? (r.reason && `${r.reason.code}: ${localiseError(r.reason, extensionPath)} ${nextStepText(r.reason)}`))} |`),
    '',
  ].join('\n');
}

export async function showReportDocument(report: FleetReport, extensionPath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: reportMarkdown(report, extensionPath) });
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

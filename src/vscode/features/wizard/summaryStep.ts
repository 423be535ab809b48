/** The last step: what the setup will do (the core's plan), before anything changes the machine. */
import * as vscode from 'vscode';
import { type SetupPlan, splitTimeLeft } from '../../../core/service';
import { backendChoiceText } from '../backendChoice';
import { warningText } from '../errors/warnings';
import type { WizardStep } from './wizard';

export interface SummaryAnswers {
  plan?: SetupPlan;
}

function planLines(plan: SetupPlan): string[] {
  const { hours } = splitTimeLeft(plan.credentials.timeLeftMs);
  const proxy = plan.proxy.mode === 'explicit' ? `${plan.proxy.host}:${plan.proxy.port}` : plan.proxy.mode;
  const changes: Record<string, string> = {
    createFolder: vscode.l10n.t('Create folder'),
    writeFile: vscode.l10n.t('Write'),
    replaceFile: vscode.l10n.t('Replace'),
    installAgent: vscode.l10n.t('Install the agent'),
    register: vscode.l10n.t('Register with the vault'),
    registerAgain: vscode.l10n.t('Register again with the vault'),
  };
  return [
    ...(plan.target.id === 'local' ? [] : [vscode.l10n.t('Server: {0}', plan.target.label)]),
    vscode.l10n.t('Vault: {0} ({1}, expires in {2} h)', plan.credentials.vaultName, plan.credentials.location, hours),
    backendChoiceText(plan),
    vscode.l10n.t('Server name: {0}', plan.serverName),
    vscode.l10n.t('Install folder: {0}', plan.installFolder),
    vscode.l10n.t('Cache folder: {0}', plan.cacheFolder),
    vscode.l10n.t('Proxy: {0}', proxy),
    ...plan.changes.map((c) => `${changes[c.kind] ?? c.kind}${c.path ? ` ${c.path}` : ''}`),
  ];
}

/** `plan` is computed by the caller (it may throw the refusal the setup would meet). */
export function summaryStep<C extends SummaryAnswers>(makePlan: (ctx: C) => Promise<SetupPlan>): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const plan = (ctx.plan = await makePlan(ctx));
      for (;;) {
        const picked = await p.pick<'go' | 'info'>({
          placeholder: vscode.l10n.t('Review the setup; nothing has changed yet'),
          items: [
            { label: `$(check) ${plan.target.id === 'local' ? vscode.l10n.t('Register This Server') : vscode.l10n.t('Register {0}', plan.target.label)}`, description: vscode.l10n.t('Install, save and register as listed below'), data: 'go' },
            ...plan.warnings.map((w) => ({ label: `$(warning) ${warningText(w.code, w.params)}`, data: 'info' as const })),
            ...planLines(plan).map((line) => ({ label: `$(info) ${line}`, data: 'info' as const })),
          ],
        });
        if (picked.data === 'go') return;
      }
    },
  };
}

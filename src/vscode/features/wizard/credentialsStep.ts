/** Step: the vault credentials file, checked as it is typed (read-only) and kept when accepted. */
import * as vscode from 'vscode';
import { checked } from '../session/checked';
import { localiseError } from '../errors/localise';
import type { FeatureContext } from '../context';
import type { WizardStep } from './wizard';

export interface CredentialsAnswers {
  credentialsFile?: string;
}

/** The file chosen before, else the first credentials file in the open folders. */
export async function suggestedCredentialsFile(f: FeatureContext): Promise<string | undefined> {
  const chosen = f.session.snapshot().credentials?.file;
  if (chosen) return chosen;
  const found = await vscode.workspace.findFiles('**/*.VaultCredentials', '**/node_modules/**', 5);
  return found.map((u) => u.fsPath).sort()[0];
}

export function credentialsStep<C extends CredentialsAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const service = await f.session.getService();
      const file = await p.input({
        prompt: vscode.l10n.t('The .VaultCredentials file downloaded from the vault (valid for a limited time).'),
        placeholder: vscode.l10n.t('Path of the vault credentials file'),
        value: ctx.credentialsFile ?? (await suggestedCredentialsFile(f)),
        browse: {
          tooltip: vscode.l10n.t('Browse…'),
          run: () => p.ui.openFile({ title: vscode.l10n.t('Select Vault Credentials File'), canSelectMany: false, openLabel: vscode.l10n.t('Use This File'), filters: { [vscode.l10n.t('Vault credentials')]: ['VaultCredentials'] } }),
        },
        validate: async (value) => {
          if (!value.trim()) return vscode.l10n.t('Enter the path of a .VaultCredentials file.');
          const result = await checked(() => service.inspectCredentials(value.trim()));
          return result.ok ? undefined : localiseError(result.error, f.extension.extensionPath);
        },
      });
      ctx.credentialsFile = file.trim();
      await f.session.selectCredentials(ctx.credentialsFile);
    },
  };
}

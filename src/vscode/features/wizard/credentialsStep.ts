/** Step: the vault credentials file, checked as it is typed (read-only); selected only after the wizard. */
import * as vscode from 'vscode';
import type { DescribedCredentials } from '../../../core/service';
import { showError, type FeatureContext } from '../context';
import { COMMANDS } from '../../ids';
import { localiseError } from '../errors/localise';
import { isAlternativeChosen } from '../input/userInput';
import type { ExecuteStep, WizardStep } from './wizard';

export interface CredentialsAnswers {
  credentialsFile?: string;
  /** What the file said when it was accepted (its vault names the passphrase file). */
  credentials?: DescribedCredentials;
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
      const askFile = () =>
        p.input({
          prompt: vscode.l10n.t('The .VaultCredentials file downloaded from the vault (valid for a limited time).'),
          placeholder: vscode.l10n.t('Path of the vault credentials file'),
          // The workspace search takes a moment: the box opens first, and the file fills it when found.
          value: ctx.credentialsFile,
          suggestedValue: ctx.credentialsFile ? undefined : suggestedCredentialsFile(f),
          browse: {
            tooltip: vscode.l10n.t('Browse…'),
            run: () => p.ui.openFile({ title: vscode.l10n.t('Select Vault Credentials File'), canSelectMany: false, openLabel: vscode.l10n.t('Use This File'), filters: { [vscode.l10n.t('Vault credentials')]: ['VaultCredentials'] } }),
          },
          alternative: { tooltip: vscode.l10n.t('From Azure…'), icon: 'azure' },
          validate: async (value) => {
            if (!value.trim()) return vscode.l10n.t('Enter the path of a .VaultCredentials file.');
            const result = await f.session.checkCredentials(value.trim());
            return result.ok ? undefined : localiseError(result.error, f.extension.extensionPath);
          },
        });
      const file = await askFile().catch(async (err: unknown) => {
        if (!isAlternativeChosen(err)) throw err;
        // "From Azure…": the command signs in, names the vault and selects the fresh file it makes; nothing got, the box again.
        return (await vscode.commands.executeCommand<string | undefined>(COMMANDS.getCredentialsFromAzure)) ?? askFile();
      });
      ctx.credentialsFile = file.trim();
      const checked = await f.session.checkCredentials(ctx.credentialsFile);
      ctx.credentials = checked.ok ? checked.value : undefined;
    },
  };
}

/** Selects (and remembers) the file answered; a file refused by now is shown and stops the steps after it. */
export function selectCredentialsStep<C extends CredentialsAnswers>(f: FeatureContext): ExecuteStep<C> {
  return {
    async execute(ctx) {
      if (!ctx.credentialsFile) return true;
      const result = await f.session.selectCredentials(ctx.credentialsFile);
      if (!result.ok) await showError(f, result.error);
      return result.ok;
    },
  };
}

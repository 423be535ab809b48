/** Steps: the install folder, the cache folder and the size of the data it must hold 5% of. */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import type { WizardStep } from './wizard';

export interface FolderAnswers {
  installFolder?: string;
  cacheFolder?: string;
  dataSizeGb?: string;
}

const GB = 1024 ** 3;

export const dataSizeBytes = (gb: string | undefined): number | undefined => (gb?.trim() ? Math.ceil(Number(gb) * GB) : undefined);

export function installFolderStep<C extends FolderAnswers>(): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      ctx.installFolder = (
        await p.input({
          prompt: vscode.l10n.t('Folder to install the backup agent into. Leave empty for the default.'),
          placeholder: vscode.l10n.t('Default install folder'),
          value: ctx.installFolder,
        })
      ).trim();
    },
  };
}

export function cacheFolderStep<C extends FolderAnswers>(): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      ctx.cacheFolder = (
        await p.input({
          prompt: vscode.l10n.t('Cache (scratch) folder: local, with free space of at least 5% of the data to back up. Leave empty for the default.'),
          placeholder: vscode.l10n.t('Default cache folder, inside the install folder'),
          value: ctx.cacheFolder,
        })
      ).trim();
    },
  };
}

export function dataSizeStep<C extends FolderAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      ctx.dataSizeGb = (
        await p.input({
          prompt: vscode.l10n.t('Size of the data to back up, in GB (the cache folder needs 5% of it free). Leave empty to skip the check.'),
          value: ctx.dataSizeGb ?? gbOf(f.session.snapshot().dataSizeBytes),
          validate: (v) => (v.trim() === '' || (Number.isFinite(Number(v)) && Number(v) >= 0) ? undefined : vscode.l10n.t('Enter a number of gigabytes, such as 200.')),
        })
      ).trim();
    },
  };
}

const gbOf = (bytes: number | undefined) => (bytes === undefined ? undefined : String(Math.round((bytes / GB) * 100) / 100));

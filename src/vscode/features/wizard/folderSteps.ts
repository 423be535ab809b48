/** Steps: the install folder, the cache folder and the size of the data it must hold 5% of. */
import * as vscode from 'vscode';
import { GIB } from '../../../core/service';
import type { FeatureContext } from '../context';
import { localiseError } from '../errors/localise';
import { checked } from '../session/checked';
import type { WizardStep } from './wizard';

export interface FolderAnswers {
  installFolder?: string;
  cacheFolder?: string;
  dataSizeGb?: string;
}

export const dataSizeBytes = (gb: string | undefined): number | undefined => (gb?.trim() ? Math.ceil(Number(gb) * GIB) : undefined);

/** The cache folder a setup uses when none is chosen, inside `installFolder` (the session's server's by default): the core's rule. */
export async function defaultCacheFolder(f: FeatureContext, installFolder = f.session.snapshot().installFolder): Promise<string> {
  const service = await f.session.getService();
  return (await service.installPlace({ installFolder: installFolder || undefined })).defaultCacheFolder;
}

export function installFolderStep<C extends FolderAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const service = await f.session.getService();
      const { installFolder } = await service.installPlace();
      ctx.installFolder = (
        await p.input({
          prompt: vscode.l10n.t('Folder to install the backup agent into. Leave empty for the default, {0}.', installFolder),
          placeholder: installFolder,
          value: ctx.installFolder,
          // The core's verdict on the folder (it must be absolute on the server).
          validate: async (v) => {
            if (!v.trim()) return undefined;
            const result = await checked(() => service.installPlace({ installFolder: v.trim() }));
            return result.ok ? undefined : localiseError(result.error, f.extension.extensionPath);
          },
        })
      ).trim();
    },
  };
}

export function cacheFolderStep<C extends FolderAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      // Inside the install folder chosen in this wizard, else the one the server is set up with.
      const folder = await defaultCacheFolder(f, ctx.installFolder);
      ctx.cacheFolder = (
        await p.input({
          prompt: vscode.l10n.t('Cache (scratch) folder: local, with free space of at least 5% of the data to back up. Leave empty for the default, {0}.', folder),
          placeholder: folder,
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

const gbOf = (bytes: number | undefined) => (bytes === undefined ? undefined : String(Math.round((bytes / GIB) * 100) / 100));

/** Step (remote servers only): the server's name at the vault, its host name by default. */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import { localiseError } from '../errors/localise';
import { checked } from '../session/checked';
import type { WizardStep } from './wizard';

export interface ServerNameAnswers {
  serverName?: string;
}

export function serverNameStep<C extends ServerNameAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => f.session.target.kind === 'ssh',
    async prompt(ctx, p) {
      // The core's default (the server's host name) unless a name was given.
      const service = await f.session.getService();
      const shown = await service.serverName(ctx.serverName);
      ctx.serverName = (
        await p.input({
          prompt: vscode.l10n.t("The server's name at the vault. Leave empty for its host name."),
          value: shown,
          // The core's verdict on the name (one the vault would refuse is refused here).
          validate: async (v) => {
            const result = await checked(() => service.serverName(v));
            return result.ok ? undefined : localiseError(result.error, f.extension.extensionPath);
          },
        })
      ).trim();
    },
  };
}

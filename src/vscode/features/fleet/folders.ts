/**
 * "Register Servers…"'s folders when the admin chose their own (the core's FleetOptions.foldersFor):
 * a Windows and a Linux server share no folder, so each agent's install and cache folders are
 * asked once the run knows that agent is among its servers, prefilled with that agent's default
 * (MARS: its installer's own folder, agent facts §3; the reference agent: the backupAgent.installFolder
 * setting) and checked by the core's rule for its systems' paths. The answers are kept for
 * "Register Failed Again". Dismissed, the run is cancelled rather than run with folders not chosen.
 */
import * as vscode from 'vscode';
import { agentFolderProblem, MARS_DEFAULT_INSTALL_FOLDER, SERVER_TOKEN, type AgentFolders, type AgentKind } from '../../../core/service';
import { STRINGS } from '../../../webview/strings';
import type { FeatureContext } from '../context';
import { localiseError } from '../errors/localise';
import { isCancellation } from '../session/checked';
import { readSettings } from '../settings';

export type FolderAnswers = Partial<Record<AgentKind, AgentFolders>>;

function defaultInstallFolder(agent: AgentKind): string | undefined {
  return agent === 'mars' ? MARS_DEFAULT_INSTALL_FOLDER : readSettings().installFolder || undefined;
}

/** The run's `foldersFor`: asks (once per agent, kept in `answers`), or cancels the run (`cancel`) when dismissed. */
export function askFolders(f: FeatureContext, answers: FolderAnswers, cancel: () => void) {
  return async (agent: AgentKind): Promise<AgentFolders | undefined> => {
    const kept = answers[agent];
    if (kept) return kept;
    const agentName = vscode.l10n.t(STRINGS[`agent.${agent}`]);
    const problem = (what: keyof AgentFolders) => (v: string) => {
      const refused = agentFolderProblem(agent, what, v.trim());
      return refused && localiseError(refused.toJSON(), f.extension.extensionPath);
    };
    try {
      const installFolder = (
        await f.ui().input({
          title: vscode.l10n.t('Install folder for the servers that need the {0}', agentName),
          prompt: vscode.l10n.t('An absolute path on those servers; {0} is replaced by each server’s name', SERVER_TOKEN),
          value: defaultInstallFolder(agent),
          validate: (v) => (v.trim() ? problem('installFolder')(v) : vscode.l10n.t('Enter a folder.')),
        })
      ).trim();
      const cacheFolder = (
        await f.ui().input({
          title: vscode.l10n.t('Cache folder for the servers that need the {0}', agentName),
          prompt: vscode.l10n.t('Leave empty for the default, inside the install folder.'),
          validate: (v) => (v.trim() ? problem('cacheFolder')(v) : undefined),
        })
      ).trim();
      return (answers[agent] = { installFolder, ...(cacheFolder ? { cacheFolder } : {}) });
    } catch (err) {
      if (!isCancellation(err)) throw err;
      cancel();
      return undefined;
    }
  };
}

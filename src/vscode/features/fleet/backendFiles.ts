/**
 * What a fleet's plan asks of this window (core fleet/run.ts `probe` and `fileFor`): each
 * server's platform, read through the fleet's own SSH connector before anything runs, and, when
 * the servers need an agent the chosen file is not for (the core's rule), the file for that agent.
 * Declined, the core's plan refuses those servers (AgentNeedsWindows, AgentNeedsLinux).
 */
import * as vscode from 'vscode';
import type { AgentKind, FleetServer, Target } from '../../../core/service';
import { STRINGS } from '../../../webview/strings';
import type { FeatureContext } from '../context';

/** Connects and reads the server's facts; the connection goes to the core's run with them (it keeps or closes it). */
export function probeServer(open: (server: FleetServer, signal: AbortSignal) => Promise<Target>) {
  return async (server: FleetServer, signal?: AbortSignal): Promise<{ platform: string; target: Target }> => {
    const target = await open(server, signal ?? new AbortController().signal);
    try {
      return { platform: (await target.facts(signal)).platform, target };
    } catch (err) {
      await target.close();
      throw err;
    }
  };
}

export async function askFileFor(f: FeatureContext, agent: AgentKind): Promise<string | undefined> {
  const title = vscode.l10n.t('Credentials file for the servers that need the {0}', vscode.l10n.t(STRINGS[`agent.${agent}`]));
  return f.ui().openFile({ title, canSelectMany: false, openLabel: vscode.l10n.t('Use This File'), filters: { [vscode.l10n.t('Vault credentials')]: ['VaultCredentials'] } });
}

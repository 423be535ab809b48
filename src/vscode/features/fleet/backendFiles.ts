/**
 * A fleet's servers probed before the plan (their platform, through the fleet's own SSH
 * connector), and one credentials file per vault service: when the probed servers need an agent
 * the chosen file is not for (the core's rule, agentForPlatform), the user picks the file for it.
 * Declined, the core's plan refuses those servers (AgentNeedsWindows, AgentNeedsLinux) before
 * anything runs. Each server is probed once: the run's plan reads the answers kept here.
 */
import * as vscode from 'vscode';
import { agentForPlatform, DEFAULT_FLEET_CONCURRENCY, LocalTarget, type AgentKind, type FleetInput, type FleetServer, type Target } from '../../../core/service';
import { STRINGS } from '../../../webview/strings';
import type { FeatureContext } from '../context';

type Probe = (server: FleetServer, signal?: AbortSignal) => Promise<{ platform: string }>;

/** Probes each server once (connect, facts, close); a failure is kept too, so the plan refuses that server with it. */
export function onceProbe(open: (server: FleetServer, signal: AbortSignal) => Promise<Target>): Probe {
  const answers = new Map<string, Promise<{ platform: string }>>();
  return (server, signal) => {
    let answer = answers.get(server.key);
    if (!answer) {
      answer = (async () => {
        const target = await open(server, signal ?? new AbortController().signal);
        try {
          return { platform: (await target.facts(signal)).platform };
        } finally {
          await target.close();
        }
      })();
      answers.set(server.key, answer);
    }
    return answer;
  };
}

/** The run's files: the chosen one, and one more for each agent the probed servers need that it is not for. */
export async function filesPerBackend(f: FeatureContext, input: FleetInput, probe: Probe, signal: AbortSignal): Promise<Pick<FleetInput, 'credentialsFile' | 'credentialsFiles'>> {
  // The file's own agent, whatever this window's server is (a fleet's first file may be for Windows servers only).
  const chosen = await f.session.serviceFactory()(new LocalTarget()).fileChoice(input.credentialsFile, { signal }).catch(() => undefined);
  if (!chosen) return { credentialsFile: input.credentialsFile };
  // As many connections at once as the run itself opens.
  const queue = [...input.servers];
  const platforms: string[] = [];
  const worker = async () => {
    for (let s = queue.shift(); s && !signal.aborted; s = queue.shift()) {
      const answer = await probe(s, signal).catch(() => undefined);
      if (answer) platforms.push(answer.platform);
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency ?? DEFAULT_FLEET_CONCURRENCY, queue.length) }, worker));
  const needed = new Set(platforms.map((p) => agentForPlatform(p)));
  needed.delete(chosen.agent);
  const more: string[] = [];
  for (const agent of needed) {
    const file = await askFileFor(f, agent);
    if (file) more.push(file);
  }
  return { credentialsFile: input.credentialsFile, ...(more.length ? { credentialsFiles: more } : {}) };
}

async function askFileFor(f: FeatureContext, agent: AgentKind): Promise<string | undefined> {
  const title = vscode.l10n.t('Credentials file for the servers that need the {0}', vscode.l10n.t(STRINGS[`agent.${agent}`]));
  return f.ui().openFile({ title, canSelectMany: false, openLabel: vscode.l10n.t('Use This File'), filters: { [vscode.l10n.t('Vault credentials')]: ['VaultCredentials'] } });
}

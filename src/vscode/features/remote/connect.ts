/**
 * Opening SSH connections with this window's settings: known_hosts (`backupAgent.ssh.knownHostsFile`),
 * the agent (SSH_AUTH_SOCK) and, with `backupAgent.ssh.useProxy`, the configured HTTP proxy
 * (CONNECT). The admin is asked through the user-input port, one question at a time.
 */
import * as vscode from 'vscode';
// openSshTarget loads ssh2 and the SSH target, a chunk of their own, on the first connection.
import { type Logger, openSshTarget, type ProxySettings, resolveProxy, type SshDestination, type SshTarget } from '../../../core/service';
import type { UserInput } from '../input/userInput';
import { withStages } from '../progress';
import { proxyContext, readSettings } from '../settings';
import { knownHostsFile } from './hosts';
import { sshPrompts } from './prompts';

export type Connect = (destination: SshDestination, signal: AbortSignal) => Promise<SshTarget>;

/** The proxy to reach the first hop through, when the setting asks for one and no-proxy does not exempt it. */
function proxyFor(settings: ProxySettings, destination: SshDestination) {
  const first = destination.jumps[0] ?? destination;
  const host = first.host.includes(':') ? `[${first.host}]` : first.host;
  return resolveProxy(settings, `https://${host}:${first.port}`, proxyContext()).proxy;
}

/** A connector for one command run (a fleet shares it, so its questions queue up). */
export function sshConnector(ui: () => UserInput, logger: Logger, proxy: () => Promise<ProxySettings>): Connect {
  const prompts = sshPrompts(ui);
  return async (destination, signal) => {
    const settings = readSettings();
    return openSshTarget(destination, {
      prompts,
      knownHostsFiles: [knownHostsFile()],
      agentSocket: process.env.SSH_AUTH_SOCK || undefined,
      proxy: settings.ssh.useProxy ? proxyFor(await proxy(), destination) : undefined,
      logger,
      signal,
    });
  };
}

/** Connects under a cancellable notification; undefined when cancelled, a SetupError when refused. */
export async function connectWithProgress(connect: Connect, destination: SshDestination): Promise<SshTarget | undefined> {
  return withStages(vscode.l10n.t('Connecting to {0}', destination.name), [], async (_p, signal) => {
    const target = await connect(destination, signal);
    // Cancelled just as it connected: nobody will use it.
    if (signal.aborted) await target.close();
    return target;
  });
}

/**
 * Choosing a remote server: a Host alias from the admin's ssh config or a typed user@host:port,
 * then the connection under a cancellable notification (host-key trust, key passphrase or
 * password asked on the way).
 */
import * as vscode from 'vscode';
import type { SshTarget } from '../../../core/service';
import { localiseError } from '../errors/localise';
import { currentInput } from '../input/current';
import type { UserInput } from '../input/userInput';
import { asSetupError, isCancellation } from '../session/checked';
import type { SetupSession } from '../session/types';
import { remoteSessionTarget } from '../session/target';
import { connectWithProgress, sshConnector } from './connect';
import { configHosts, resolveHost } from './hosts';

/** The destination text the admin picked or typed; a CancelledError when they closed the prompt. */
async function pickDestinationText(ui: UserInput, title: string, extensionPath: string): Promise<string> {
  const hosts = await configHosts();
  if (hosts.length) {
    const picked = await ui.pick<string | undefined>({
      title,
      placeholder: vscode.l10n.t('The server to set up: a host from your ssh config, or another one'),
      items: [...hosts.map((h) => ({ label: `$(server) ${h}`, data: h })), { label: `$(edit) ${vscode.l10n.t('Enter user@host:port…')}`, data: undefined }],
    });
    if (picked.data) return picked.data;
  }
  return ui.input({
    title,
    prompt: vscode.l10n.t('The server to set up, as user@host:port (the user and the port are optional)'),
    placeholder: 'admin@server.example.com:22',
    validate: async (value) => {
      if (!value.trim()) return vscode.l10n.t('Enter a host name, user@host or user@host:port.');
      try {
        await resolveHost(value);
        return undefined;
      } catch (err) {
        return localiseError(asSetupError(err), extensionPath);
      }
    },
  });
}

/**
 * Asks for a server and connects to it. Undefined when the admin cancelled; a refusal (bad
 * destination, unreachable, changed host key, authentication…) is thrown as a SetupError.
 */
export async function pickAndConnect(session: SetupSession, ui: UserInput, title: string): Promise<SshTarget | undefined> {
  let text: string;
  try {
    text = await pickDestinationText(ui, title, session.host.context.extensionPath);
  } catch (err) {
    if (isCancellation(err)) return undefined;
    throw err;
  }
  const connect = sshConnector(() => ui, session.host.log, () => session.proxy());
  return connectWithProgress(connect, await resolveHost(text));
}

/**
 * For the setup page's "A remote server…": the session sets up the chosen server from now on
 * (its previous SSH connection closed). False when the admin cancelled; refusals are thrown as
 * SetupErrors for the caller to show. `session.useLocalTarget()` goes back to this server.
 */
export async function chooseRemoteServer(session: SetupSession, ui: UserInput = currentInput()): Promise<boolean> {
  const target = await pickAndConnect(session, ui, vscode.l10n.t('Set Up a Remote Server'));
  if (!target) return false;
  await session.useTarget(remoteSessionTarget(target));
  return true;
}

/**
 * How an SSH connection asks the admin what only they know, through the user-input port: trust a
 * new host key (a modal warning with its SHA256 fingerprint), a key's passphrase, a password.
 * One question at a time, however many servers connect at once (a fleet). Answers are handed to
 * the connection as Secrets and kept nowhere else.
 */
import * as vscode from 'vscode';
import { type HostKeyInfo, Secret, type SshDestination, type SshPrompts } from '../../../core/service';
import type { UserInput } from '../input/userInput';
import { isCancellation } from '../session/checked';

/** Runs the asks one after another, in the order they came. */
function oneAtATime(): <T>(ask: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (ask) => {
    const next = queue.then(ask, ask);
    queue = next.catch(() => undefined);
    return next;
  };
}

/** A password box; Escape or an empty answer gives up on that method. */
async function askSecret(ui: UserInput, title: string, prompt: string, signal?: AbortSignal): Promise<Secret | undefined> {
  if (signal?.aborted) return undefined;
  try {
    const value = await ui.input({ title, prompt, password: true });
    return value ? new Secret(value) : undefined;
  } catch (err) {
    if (isCancellation(err)) return undefined;
    throw err;
  }
}

export function sshPrompts(ui: () => UserInput): SshPrompts {
  const serial = oneAtATime();
  return {
    trustNewHost: (info: HostKeyInfo, signal?: AbortSignal) =>
      serial(async () => {
        if (signal?.aborted) return false;
        return ui().confirm(
          vscode.l10n.t('The authenticity of host {0} cannot be established.', info.hostPattern),
          vscode.l10n.t(
            'Its {0} key fingerprint is {1}. Connect only if this is the fingerprint the server shows (ssh-keygen -lf on its host key); the key is then added to your known_hosts file.',
            info.keyType,
            info.fingerprint,
          ),
          vscode.l10n.t('Trust and Connect'),
        );
      }),
    keyPassphrase: (keyFile: string, signal?: AbortSignal) =>
      serial(() => askSecret(ui(), vscode.l10n.t('SSH key passphrase'), vscode.l10n.t('The passphrase of the SSH key {0}', keyFile), signal)),
    password: (destination: SshDestination, signal?: AbortSignal) =>
      serial(() => askSecret(ui(), vscode.l10n.t('SSH password'), vscode.l10n.t('The password of {0}@{1}', destination.user, destination.host), signal)),
  };
}

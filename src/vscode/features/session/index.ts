/** The one SetupSession of this window, for every surface (wizard, commands, webview, status bar). */
import type * as vscode from 'vscode';
import { Session } from './session';
import { VaultTrust } from './trust';

export type { SetupSession, SessionSnapshot, Checked, PassphraseState, ProgressReporter } from './types';
export type { Session } from './session';

export interface SessionHostInput {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}

let current: { session: Session; trust: VaultTrust } | undefined;

/** The window's session, created on first call; disposed with the extension's subscriptions. */
export function getSession(host: SessionHostInput): Session {
  if (!current) {
    const trust = new VaultTrust();
    const session = new Session({ ...host, trust });
    current = { session, trust };
    host.context.subscriptions.push(session, trust, { dispose: () => (current = undefined) });
  }
  return current.session;
}

/** The CAs trusted for the vault in this window (the local vault adds its own). */
export function getTrust(host: SessionHostInput): VaultTrust {
  getSession(host);
  return current!.trust;
}

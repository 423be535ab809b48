/**
 * Context keys that complete the native walkthrough's steps (`onContext:` completion events),
 * set from the session's real state: there is no API to mark a walkthrough step done.
 */
import * as vscode from 'vscode';
import type { SessionSnapshot } from './session/types';

export const WALKTHROUGH_KEYS = {
  credentials: 'backupAgent.walkthrough.credentialsSelected',
  folders: 'backupAgent.walkthrough.foldersChosen',
  proxy: 'backupAgent.walkthrough.proxyChecked',
  passphrase: 'backupAgent.walkthrough.passphraseKept',
  registered: 'backupAgent.walkthrough.registered',
} as const;

export function walkthroughState(s: SessionSnapshot): Record<keyof typeof WALKTHROUGH_KEYS, boolean> {
  const registered = s.status?.state.kind === 'registered';
  return {
    credentials: registered || Boolean(s.credentials?.ok),
    // A checked cache folder; keeping the defaults completes the step through its command instead.
    folders: registered || Boolean(s.cacheCheck?.ok),
    proxy: registered || Boolean(s.connectivity?.ok),
    passphrase: registered || s.passphrase.present,
    registered,
  };
}

/** Sets the keys on every change, skipping those that did not change. */
export function trackWalkthrough(onDidChange: vscode.Event<SessionSnapshot>, initial: SessionSnapshot): vscode.Disposable {
  const last: Partial<Record<string, boolean>> = {};
  const apply = (s: SessionSnapshot) => {
    for (const [name, value] of Object.entries(walkthroughState(s)) as Array<[keyof typeof WALKTHROUGH_KEYS, boolean]>) {
      const key = WALKTHROUGH_KEYS[name];
      if (last[key] === value) continue;
      last[key] = value;
      void vscode.commands.executeCommand('setContext', key, value);
    }
  };
  apply(initial);
  return onDidChange(apply);
}

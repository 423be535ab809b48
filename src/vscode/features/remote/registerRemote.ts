/** "Register a Remote Server…": pick and connect, then the Set Up wizard against that server. */
import * as vscode from 'vscode';
import { setup } from '../commands/setup';
import type { FeatureContext } from '../context';
import type { ServerStore } from '../servers/store';
import { connectChosen, withRemoteSession } from './remoteSession';

export async function registerRemote(f: FeatureContext, servers: ServerStore): Promise<void> {
  const target = await connectChosen(f, vscode.l10n.t('Register a Remote Server'));
  if (!target) return;
  await withRemoteSession(f, servers, target, {}, (remote) => setup(remote));
}

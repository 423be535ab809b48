/** "Sign Out of Azure": forgets a pasted endpoint token; a Microsoft account signs out where VS Code keeps it. */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import type { AzureSignInState } from './signInState';

export async function signOutOfAzure(f: FeatureContext, azure: AzureSignInState): Promise<void> {
  const outcome = await azure.signOut().catch((err: unknown) => {
    f.log.warn(`Sign-out: ${err instanceof Error ? err.message : String(err)}`);
    return 'failed' as const;
  });
  if (outcome === 'forgotten') void f.ui().message('info', vscode.l10n.t('Signed out of Azure: the token for this Resource Manager endpoint is forgotten.'));
  else if (outcome === 'accountsMenu') void f.ui().message('info', vscode.l10n.t('Your Microsoft account is signed in to VS Code itself: sign out in the Accounts menu (bottom left). This extension keeps no token of it.'));
  else void f.ui().message('error', vscode.l10n.t('The Resource Manager endpoint setting is not an https URL; fix backupAgent.azure.resourceManagerEndpoint first.'));
}

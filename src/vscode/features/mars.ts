/**
 * What the MARS driver needs of VS Code (the core's MarsAdapter): the installer route and
 * Microsoft Update from the settings; the security PIN from the vault's security-PIN operation
 * while signed in to Azure, else typed in a password box whose prompt says where the vault makes
 * it; and the vault's view of a server (its entry among the vault's registered servers) and its
 * registered-identity removal, through the Azure chunk. The admin-side
 * download itself is the core's (its HTTP stack and the effective proxy).
 */
import * as vscode from 'vscode';
import { Secret, type MarsAdapter, type RegisteredAt, type SecurityPinPrompt, type VaultIssuer } from '../../core/service';
import type { FeatureContext } from './context';
import type { AzureSignInState } from './azure/signInState';
import { readSettings } from './settings';

export function marsAdapter(f: () => FeatureContext, signIn: AzureSignInState, issuer: () => VaultIssuer | undefined): MarsAdapter {
  const { mars } = readSettings();
  return {
    settings: { installerRoute: mars.installerDownload, microsoftUpdate: mars.microsoftUpdate },
    askSecurityPin: (prompt, signal) => securityPin(f, issuer(), prompt, signal),
    removeAtVault: async (at: RegisteredAt, signal?: AbortSignal) => (await import('./azure/vaultRemoval')).removeRegisteredServer(f(), signIn, at, signal),
    readAtVault: async (at: RegisteredAt, signal?: AbortSignal) => (await import('./azure/registeredServer')).readRegisteredServer(f(), signIn, at, signal),
  };
}

async function securityPin(f: () => FeatureContext, fromVault: VaultIssuer | undefined, prompt: SecurityPinPrompt, signal?: AbortSignal): Promise<Secret> {
  if (fromVault) {
    try {
      return (await fromVault.issueSecurityPin(prompt.vault, signal)).pin;
    } catch (err) {
      // The vault could not make one (role, vault not among the picked subscriptions): the admin types it instead.
      f().log.warn(`The vault's security-PIN operation for ${prompt.vault} failed, so the PIN is asked for: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const value = await f()
    .ui()
    .input({
      title: vscode.l10n.t('Security PIN'),
      prompt: vscode.l10n.t(prompt.template, prompt.vault),
      password: true,
      validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the security PIN the vault generated.')),
    });
  return new Secret(value.trim());
}

/**
 * "Get Vault Credentials from Azure…": sign in, pick the vault (directory, subscription, vault,
 * by the names the portal shows), confirm that a new file
 * supersedes every earlier one, then the core's ArmSession makes the file as Azure PowerShell
 * does into a private (0700) temporary folder, 0600, and the setup selects it at once. It is
 * removed after the registration (issuedFiles.ts); a copy elsewhere is the user's explicit choice.
 * This module and the Azure SDKs behind loadAzure() are their own chunk, loaded on first use.
 */
import * as vscode from 'vscode';
import { loadAzure, type VaultRef } from '../../../core/service';
import type { FeatureContext } from '../context';
import { withStages } from '../progress';
import { settled } from '../commands/run';
import { checked } from '../session/checked';
import { openArmSession } from './armSession';
import { pickSubscription, pickTenant, pickVault, rememberSubscription } from './pickVault';
import type { AzureSignInState } from './signInState';
import type { IssuedFiles } from './issuedFiles';

export interface AzureFeature {
  signIn: AzureSignInState;
  issued: IssuedFiles;
}

/** The new file's path once it is selected; undefined when cancelled or refused (the refusal shown). */
export async function getCredentialsFromAzure(f: FeatureContext, azure: AzureFeature): Promise<string | undefined> {
  const title = vscode.l10n.t('Get Vault Credentials from Azure');
  const retry = () => getCredentialsFromAzure(f, azure);
  const signedIn = await settled(f, await checked(async () => azure.signIn.signIn(f.ui())), retry).catch(cancelled);
  if (!signedIn) return undefined;
  const { privateCredentialsFolder } = await loadAzure();
  let arm = await settled(f, await checked(() => openArmSession(f, signedIn)), retry);
  if (!arm) return undefined;
  try {
    const listing = async <T>(what: string, list: (session: ArmSession, signal: AbortSignal) => Promise<T>): Promise<T | undefined> =>
      settled(f, await withStages(what, [], (_p, signal) => checked(() => list(arm!, signal))), retry);
    const tenants = await listing(vscode.l10n.t('Listing your directories'), (s, signal) => s.listTenants(signal));
    if (!tenants) return undefined;
    // One directory: no question (the account's own token sees it). Several: the user picks, and a Microsoft sign-in then gets a token for that directory.
    const several = tenants.length > 1;
    const total = several ? 3 : 2;
    const tenant = several ? await pickTenant(f.ui(), tenants, title, { step: 1, total }).catch(cancelled) : tenants[0];
    if (several && !tenant) return undefined;
    if (several && signedIn.plan.signIn.kind === 'microsoft') {
      const inTenant = await settled(f, await checked(async () => azure.signIn.signIn(f.ui(), tenant!.tenantId)), retry).catch(cancelled);
      const reopened = inTenant && (await settled(f, await checked(() => openArmSession(f, inTenant)), retry));
      if (!reopened) return undefined;
      await arm.close();
      arm = reopened;
    }
    const subscriptions = await listing(vscode.l10n.t('Listing your subscriptions'), (s, signal) => s.listSubscriptions(tenant?.tenantId, signal));
    if (!subscriptions) return undefined;
    const subscriptionId = await pickSubscription(f.ui(), f.extension.globalState, subscriptions, title, { step: total - 1, total }).catch(cancelled);
    if (!subscriptionId) return undefined;
    const vaults = await listing(vscode.l10n.t('Listing the vaults of subscription {0}', subscriptionId), (s, signal) => s.listVaults(subscriptionId, undefined, signal));
    if (!vaults) return undefined;
    await rememberSubscription(f.extension.globalState, subscriptionId);
    azure.signIn.vaultsChanged();
    if (!vaults.length) {
      void f.ui().message('info', vscode.l10n.t('Subscription {0} has no Recovery Services vault that your account can see.', subscriptionId));
      return undefined;
    }
    const vault = await pickVault(f.ui(), vaults, title, { step: total, total }).catch(cancelled);
    if (!vault || !(await confirmSupersede(f, vault))) return undefined;
    const ref: VaultRef = { subscriptionId, resourceGroup: vault.resourceGroup, vault: vault.vault };
    const folder = await privateCredentialsFolder();
    const session = arm;
    const saved = await settled(f, await withStages(vscode.l10n.t('Getting a credentials file for vault {0}', vault.vault), [], (_p, signal) => checked(() => session.saveFreshCredentials(ref, folder, { signal }))), retry);
    if (!saved) {
      await vscode.workspace.fs.delete(vscode.Uri.file(folder), { recursive: true, useTrash: false }).then(undefined, () => undefined);
      return undefined;
    }
    azure.issued.add(saved.file);
    const selected = await settled(f, await f.session.selectCredentials(saved.file), retry);
    if (!selected) return undefined;
    void offerCopy(f, saved.file, vault.vault);
    return saved.file;
  } finally {
    await arm.close();
  }
}

async function confirmSupersede(f: FeatureContext, vault: { vault: string }): Promise<boolean> {
  return f.ui().confirm(
    vscode.l10n.t('Get a new credentials file for vault {0}?', vault.vault),
    vscode.l10n.t('A new file makes every earlier credentials file for this vault stop working, including other admins\' files and those of servers or fleets being registered right now. The new file holds a private key and is valid for 48 hours; it is kept in a private temporary folder and removed after the registration.'),
    vscode.l10n.t('Get New File'),
  );
}

/** The file is selected already; saving a copy is an explicit choice (owner-only, never over another file). */
async function offerCopy(f: FeatureContext, file: string, vaultName: string): Promise<void> {
  const copy = vscode.l10n.t('Save a Copy…');
  const chosen = await f.ui().message('info', vscode.l10n.t('A fresh credentials file for vault {0} is selected. It is removed after the registration.', vaultName), copy);
  if (chosen !== copy) return;
  const destination = await f.ui().saveFile({ title: vscode.l10n.t('Save a Copy of the Credentials File'), defaultUri: vscode.Uri.file(file.replace(/^.*[\\/]/, '')), filters: { [vscode.l10n.t('Vault credentials')]: ['VaultCredentials'] } });
  if (!destination) return;
  const { saveCredentialsCopy } = await loadAzure();
  const saved = await settled(f, await checked(() => saveCredentialsCopy(file, destination)), () => offerCopy(f, file, vaultName));
  if (saved) void f.ui().message('info', vscode.l10n.t('Saved a copy to {0} (owner only). It holds a private key: delete it once the servers are registered.', saved));
}

type ArmSession = Awaited<ReturnType<typeof openArmSession>>;

/** Back or Cancel in a prompt ends the command quietly. */
function cancelled(err: unknown): undefined {
  if (err instanceof Error && (err.name === 'CancelledError' || err.name === 'GoBack')) return undefined;
  throw err;
}

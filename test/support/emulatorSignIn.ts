// Signs the test window in to the harness vault's Resource Manager emulator, as the Azure suites
// need it: a vault of the suite's own in its own subscription, the endpoint setting pointing at the
// emulator, and the test provider holding the emulator's token (a user pastes it once). `signOut`
// undoes all of it, so the next suite starts signed out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { waitUntil } from './extension';
import type { Harness } from './setupHarness';

const ENDPOINT_SETTING = 'azure.resourceManagerEndpoint';
const config = () => vscode.workspace.getConfiguration('backupAgent');

export interface EmulatorVault {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
}

/** Returns the answers to the directory and subscription picks, by the names the emulator gives them. */
export async function signInToEmulator(h: Harness, vault: EmulatorVault): Promise<{ pickSubscription: string[]; token: string }> {
  const { tenantId } = await h.vault.admin.createVault(vault);
  await config().update(ENDPOINT_SETTING, h.vault.url, vscode.ConfigurationTarget.Global);
  await waitUntil(() => config().get<string>(ENDPOINT_SETTING) === h.vault.url || undefined, 'the endpoint setting');
  const provider = await h.testing.azureTestProvider;
  assert.ok(provider, 'the test provider exists in test mode');
  const token = readFileSync(path.join(h.vault.dataDir, 'arm-token'), 'utf8').trim();
  provider.useToken(token);
  // The harness's own vault is in another subscription and directory: the pick asks for the directory first.
  return { pickSubscription: [`Local directory ${tenantId.slice(0, 8)}`, `Local subscription ${vault.subscriptionId.slice(0, 8)}`], token };
}

export async function signOutOfEmulator(h: Harness | undefined): Promise<void> {
  await h?.run('backupAgent.signOutOfAzure', []);
  (await h?.testing.azureTestProvider)?.useToken(undefined);
  await config().update(ENDPOINT_SETTING, undefined, vscode.ConfigurationTarget.Global);
}

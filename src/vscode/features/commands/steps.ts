/** The single-step commands: each one part of the setup, over the same session and steps. */
import * as vscode from 'vscode';
import { GIB, splitTimeLeft } from '../../../core/service';
import type { FeatureContext } from '../context';
import { withStages } from '../progress';
import { readSettings } from '../settings';
import { credentialsStep, selectCredentialsStep, type CredentialsAnswers } from '../wizard/credentialsStep';
import { cacheFolderStep, dataSizeBytes, dataSizeStep, defaultCacheFolder, type FolderAnswers } from '../wizard/folderSteps';
import { keepPassphraseSteps, passphraseEntrySteps, passphraseKeepStep, type PassphraseAnswers } from '../wizard/passphraseSteps';
import { runExecuteSteps } from '../wizard/wizard';
import { proxyFromSettings, proxySettingsOf, proxySteps, type ProxyAnswers } from '../wizard/proxySteps';
import { ask, settled } from './run';

export async function selectCredentials(f: FeatureContext): Promise<void> {
  const ctx: CredentialsAnswers = {};
  if (!(await ask(f, vscode.l10n.t('Select Vault Credentials File'), [credentialsStep(f)], ctx, () => selectCredentials(f)))) return;
  if (!(await runExecuteSteps([selectCredentialsStep(f)], ctx))) return;
  const c = f.session.snapshot().credentials;
  if (c?.ok) {
    const { hours } = splitTimeLeft(c.value.timeLeftMs);
    void f.ui().message('info', vscode.l10n.t('Vault {0} selected; the file is valid for {1} more hours.', c.value.vaultName, hours));
  }
}

export async function configureProxy(f: FeatureContext): Promise<void> {
  const ctx: ProxyAnswers = { proxy: proxyFromSettings(readSettings().proxy) };
  const steps = proxySteps<ProxyAnswers>((proxy) => f.session.keepsProxyPassword(proxy));
  if (!(await ask(f, vscode.l10n.t('Configure Proxy'), steps, ctx, () => configureProxy(f)))) return;
  await f.session.setProxy(proxySettingsOf(ctx));
  const test = vscode.l10n.t('Test Connectivity');
  if ((await f.ui().message('info', vscode.l10n.t('Proxy settings saved.'), test)) === test) await testConnectivity(f);
}

export async function testConnectivity(f: FeatureContext): Promise<void> {
  const result = await withStages(vscode.l10n.t('Testing the connection to the vault'), [], (_p, signal) => f.session.testConnectivity(signal));
  const value = await settled(f, result, () => testConnectivity(f));
  if (!value) return;
  const stages = value.stages.map((s) => `${s.name} ${s.status} (${s.durationMs} ms)`).join(', ');
  const texts = {
    admin: () => vscode.l10n.t('The vault answered this computer: {0}. The agent is not installed on the server yet; registering checks again from the server.', stages),
    adminOnly: () => vscode.l10n.t("The vault answered this computer: {0}. The server's MARS agent has no check this setup runs on Windows; its registration tells whether the server reaches the vault.", stages),
    target: () => vscode.l10n.t('The vault answered: {0}.', stages),
  };
  void f.ui().message('info', texts[value.checkedOn]());
}

export async function setCacheFolder(f: FeatureContext): Promise<void> {
  // The session's server: this one's setting, or the folder held for a remote one.
  const ctx: FolderAnswers = { cacheFolder: f.session.snapshot().cacheFolder };
  if (!(await ask(f, vscode.l10n.t('Set Cache Folder'), [cacheFolderStep(f), dataSizeStep(f)], ctx, () => setCacheFolder(f)))) return;
  if (!ctx.cacheFolder) {
    await f.session.target.setPlace({ cacheFolder: '' });
    void f.ui().message('info', vscode.l10n.t('The agent will use the default cache folder, {0}.', await defaultCacheFolder(f)));
    return;
  }
  const folder = ctx.cacheFolder;
  const result = await withStages(vscode.l10n.t('Checking the cache folder'), [], (_p, signal) => f.session.setCacheFolder(folder, { dataSizeBytes: dataSizeBytes(ctx.dataSizeGb) }, signal));
  const value = await settled(f, result, () => setCacheFolder(f));
  if (value) void f.ui().message('info', vscode.l10n.t('Cache folder {0} set ({1} GB free).', folder, (value.availableBytes / GIB).toFixed(1)));
}

export async function generatePassphrase(f: FeatureContext): Promise<void> {
  const ctx: PassphraseAnswers = { passphraseChoice: 'generate', passphrase: { value: (await f.session.getService()).generatePassphrase(), origin: 'generated' } };
  if (!(await ask(f, vscode.l10n.t('Generate Encryption Passphrase'), [passphraseKeepStep<PassphraseAnswers>(f)], ctx, () => generatePassphrase(f)))) return;
  await runExecuteSteps(keepPassphraseSteps<PassphraseAnswers>(f), ctx);
}

export async function enterPassphrase(f: FeatureContext): Promise<void> {
  const ctx: PassphraseAnswers = {};
  const steps = [...passphraseEntrySteps<PassphraseAnswers>(f, () => true), passphraseKeepStep<PassphraseAnswers>(f)];
  if (!(await ask(f, vscode.l10n.t('Enter Encryption Passphrase'), steps, ctx, () => enterPassphrase(f)))) return;
  await runExecuteSteps(keepPassphraseSteps<PassphraseAnswers>(f), ctx);
}

export async function installAgent(f: FeatureContext): Promise<void> {
  const result = await withStages(vscode.l10n.t('Installing the backup agent'), ['checkPrerequisites', 'installAgent'], (p, signal) => f.session.install(p, signal));
  const value = await settled(f, result, () => installAgent(f));
  if (value) void f.ui().message('info', vscode.l10n.t('Backup agent {0} is installed.', value.version));
}

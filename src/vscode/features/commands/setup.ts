/** "Set Up Backup Agent…": the whole setup as one multi-step Quick Input, then one progress notification. */
import * as vscode from 'vscode';
import { REGISTER_STAGES, type SetupPlan } from '../../../core/service';
import type { FeatureContext } from '../context';
import { withStages } from '../progress';
import type { SetupChoices } from '../session/types';
import { readSettings } from '../settings';
import { serverNameStep, type ServerNameAnswers } from '../wizard/serverNameStep';
import { credentialsStep, selectCredentialsStep, type CredentialsAnswers } from '../wizard/credentialsStep';
import { cacheFolderStep, dataSizeBytes, dataSizeStep, installFolderStep, type FolderAnswers } from '../wizard/folderSteps';
import { keepPassphraseSteps, passphraseChoiceStep, passphraseEntrySteps, passphraseFileOf, passphraseKeepStep, type PassphraseAnswers } from '../wizard/passphraseSteps';
import { proxyFromSettings, proxySettingsOf, proxySteps, type ProxyAnswers } from '../wizard/proxySteps';
import { summaryStep, type SummaryAnswers } from '../wizard/summaryStep';
import { runExecuteSteps, type ExecuteStep, type WizardStep } from '../wizard/wizard';
import { ask, settled } from './run';

type SetupAnswers = CredentialsAnswers & ServerNameAnswers & FolderAnswers & ProxyAnswers & PassphraseAnswers & SummaryAnswers;

function choicesOf(ctx: SetupAnswers): SetupChoices {
  return {
    credentialsFile: ctx.credentialsFile,
    passphrase: ctx.passphrase && { value: ctx.passphrase.value, file: passphraseFileOf(ctx) },
    installFolder: ctx.installFolder,
    cacheFolder: ctx.cacheFolder,
    serverName: ctx.serverName,
    dataSizeBytes: dataSizeBytes(ctx.dataSizeGb),
    proxy: proxySettingsOf(ctx),
  };
}

/** The plan for the answers, or the refusal the setup would meet. */
async function planOf(f: FeatureContext, ctx: SetupAnswers): Promise<SetupPlan> {
  const result = await f.session.planFor(choicesOf(ctx));
  if (!result.ok) throw result.error;
  return result.value;
}

/** The whole setup of the session's server: this one, or the remote one it is connected to. */
export async function setup(f: FeatureContext, previous?: SetupAnswers): Promise<void> {
  const s = f.session.snapshot();
  const ctx: SetupAnswers = previous ?? { installFolder: s.installFolder, cacheFolder: s.cacheFolder, serverName: s.serverName, proxy: proxyFromSettings(readSettings().proxy) };
  const steps: WizardStep<SetupAnswers>[] = [
    credentialsStep(f),
    serverNameStep(f),
    installFolderStep(f),
    cacheFolderStep(f),
    dataSizeStep(f),
    ...proxySteps<SetupAnswers>((proxy) => f.session.keepsProxyPassword(proxy)),
    passphraseChoiceStep(f),
    ...passphraseEntrySteps<SetupAnswers>(f),
    passphraseKeepStep<SetupAnswers>(f, (c) => c.credentials?.vaultName),
    summaryStep((c) => planOf(f, c)),
  ];
  // After the summary, in order: nothing before it changed the session, the settings or a file.
  const execute: ExecuteStep<SetupAnswers>[] = [
    selectCredentialsStep(f),
    ...keepPassphraseSteps<SetupAnswers>(f),
    { execute: async (c) => (await f.session.applyChoices(choicesOf(c)), true) },
  ];
  const title = s.target.kind === 'ssh' ? vscode.l10n.t('Set Up Backup Agent on {0}', s.target.label) : vscode.l10n.t('Set Up Backup Agent');
  if (!(await ask(f, title, steps, ctx, () => setup(f, ctx)))) return;
  if (!(await runExecuteSteps(execute, ctx))) return;
  await registerNow(f);
}

/** Registers with what the session holds, under one notification with the service's stages. */
export async function registerNow(f: FeatureContext): Promise<void> {
  const s = f.session.snapshot();
  const title = s.target.kind === 'ssh' ? vscode.l10n.t('Setting up the backup agent on {0}', s.target.label) : vscode.l10n.t('Setting up the backup agent');
  const result = await withStages(title, REGISTER_STAGES, (p, signal) => f.session.register(p, signal));
  const registered = await settled(f, result, () => registerNow(f));
  if (!registered) return;
  const { serverName, vault, created } = registered;
  void f.ui().message(
    'info',
    created
      ? vscode.l10n.t('{0} is registered with vault {1}.', serverName, vault.vaultName)
      : vscode.l10n.t('{0} was registered again with vault {1} (same registration).', serverName, vault.vaultName),
  );
}

/** "Register This Server": the summary of what will happen, then the registration. */
export async function register(f: FeatureContext): Promise<void> {
  const ctx: SummaryAnswers = {};
  const step = summaryStep<SummaryAnswers>(async () => {
    const result = await f.session.plan();
    if (!result.ok) throw result.error;
    return result.value;
  });
  if (!(await ask(f, vscode.l10n.t('Register This Server'), [step], ctx, () => register(f)))) return;
  await registerNow(f);
}

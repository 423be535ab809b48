/** After the setup: the registration's status, changing its properties, unregistering. */
import * as vscode from 'vscode';
import { CHANGE_STAGES, Secret, UNREGISTER_STAGES, type ChangeInput } from '../../../core/service';
import { isSignedInToAzure, vaultPinsFromArm } from '../azure/signInState';
import type { FeatureContext } from '../context';
import { withStages } from '../progress';
import { checked } from '../session/checked';
import { readSettings } from '../settings';
import { cacheFolderStep, dataSizeBytes, dataSizeStep, type FolderAnswers } from '../wizard/folderSteps';
import { keepPassphraseSteps, passphraseChoiceStep, passphraseEntrySteps, passphraseKeepStep, type PassphraseAnswers } from '../wizard/passphraseSteps';
import { proxyFromSettings, proxySettingsOf, proxySteps, type ProxyAnswers } from '../wizard/proxySteps';
import { runExecuteSteps, type WizardStep } from '../wizard/wizard';
import { ask, settled } from './run';

/** Reads the status now and shows it as a page (one per server), with a refusal shown with Retry. */
export async function showStatus(f: FeatureContext): Promise<void> {
  const result = await withStages(vscode.l10n.t('Reading the registration status'), [], (_p, signal) => checked(() => f.session.refreshStatus(signal)));
  const status = await settled(f, result, () => showStatus(f));
  if (status) await f.statusView.show(f.session.snapshot().target, status, new Date(), f.extension.extensionPath);
}

type ChangeAnswers = ProxyAnswers & FolderAnswers & PassphraseAnswers & { what?: 'proxy' | 'cache' | 'passphrase'; securityPin?: Secret };

export async function changeProperties(f: FeatureContext): Promise<void> {
  // Signed in to the vault's Resource Manager, the PIN comes from the vault (its registration read first when not yet known).
  if (isSignedInToAzure() && !f.session.snapshot().status) await f.session.refreshStatus().catch(() => undefined);
  const pinFromVault = vaultPinsFromArm(f.session.snapshot().status?.config?.vault?.endpoint);
  // The first answer offered (proxy) counts the steps until the admin picks what to change.
  const ctx: ChangeAnswers = { what: 'proxy', proxy: proxyFromSettings(readSettings().proxy), cacheFolder: f.session.snapshot().cacheFolder };
  const is = (what: ChangeAnswers['what']) => (c: ChangeAnswers) => c.what === what;
  const only = <C>(when: (c: C) => boolean, steps: WizardStep<C>[]): WizardStep<C>[] => steps.map((st) => ({ ...st, shouldPrompt: (c: C) => when(c) && st.shouldPrompt(c) }));
  const steps: WizardStep<ChangeAnswers>[] = [
    {
      shouldPrompt: () => true,
      async prompt(c, p) {
        const picked = await p.pick({
          placeholder: vscode.l10n.t('What do you want to change?'),
          items: [
            { label: vscode.l10n.t('Proxy'), data: 'proxy' as const },
            { label: vscode.l10n.t('Cache folder'), data: 'cache' as const },
            {
              label: vscode.l10n.t('Encryption passphrase'),
              description: pinFromVault ? vscode.l10n.t('The security PIN comes from the vault (signed in)') : vscode.l10n.t('Needs a security PIN from the vault'),
              data: 'passphrase' as const,
            },
          ],
          active: c.what,
        });
        c.what = picked.data;
      },
    },
    ...only(is('proxy'), proxySteps<ChangeAnswers>((proxy) => f.session.keepsProxyPassword(proxy))),
    ...only(is('cache'), [cacheFolderStep<ChangeAnswers>(f), dataSizeStep<ChangeAnswers>(f)]),
    ...only(is('passphrase'), [passphraseChoiceStep<ChangeAnswers>(f), ...passphraseEntrySteps<ChangeAnswers>(f), passphraseKeepStep<ChangeAnswers>(f)]),
    {
      // Left empty when signed in: the core then has the vault make one (VaultBackend.securityPin).
      shouldPrompt: (c) => is('passphrase')(c) && !pinFromVault,
      async prompt(c, p) {
        c.securityPin = new Secret(
          (
            await p.input({
              prompt: vscode.l10n.t("The vault's security PIN (generate one in the vault; it is valid for 5 minutes)"),
              password: true,
              validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the security PIN.')),
            })
          ).trim(),
        );
      },
      undo: (c) => (c.securityPin = undefined),
    },
  ];
  if (!(await ask(f, vscode.l10n.t('Change Properties'), steps, ctx, () => changeProperties(f)))) return;
  // The new passphrase is kept (and its file written) before the change is sent.
  if (ctx.what === 'passphrase' && !(await runExecuteSteps(keepPassphraseSteps<ChangeAnswers>(f), ctx))) return;
  await applyChange(f, ctx);
}

async function applyChange(f: FeatureContext, ctx: ChangeAnswers): Promise<void> {
  const input: ChangeInput = {};
  if (ctx.what === 'proxy') input.proxy = proxySettingsOf(ctx);
  if (ctx.what === 'cache') Object.assign(input, { cacheFolder: ctx.cacheFolder || undefined, dataSizeBytes: dataSizeBytes(ctx.dataSizeGb) });
  if (ctx.what === 'passphrase') {
    const newValue = f.session.revealPassphrase();
    if (!newValue) return;
    input.passphrase = { newValue, ...(ctx.securityPin ? { securityPin: ctx.securityPin } : {}), passphraseFile: f.session.snapshot().passphrase.savedTo };
  }
  const result = await withStages(vscode.l10n.t('Changing the agent properties'), CHANGE_STAGES, (p, signal) => f.session.change(input, p, signal));
  const changed = await settled(f, result, () => applyChange(f, ctx));
  if (!changed) return;
  // The settings follow what the agent now uses.
  if (input.proxy) await f.session.setProxy(input.proxy);
  if (ctx.what === 'cache') await f.session.target.setPlace({ cacheFolder: ctx.cacheFolder ?? '' });
  void f.ui().message('info', vscode.l10n.t('Changed: {0}.', changed.changed.join(', ')));
}

export async function unregister(f: FeatureContext): Promise<void> {
  const { kind, label } = f.session.snapshot().target;
  const local = kind === 'local';
  const sure = await f.ui().confirm(
    local ? vscode.l10n.t('Unregister this server from its vault?') : vscode.l10n.t('Unregister {0} from its vault?', label),
    local ? vscode.l10n.t('Backups of this server stop. Its recovery points stay in the vault.') : vscode.l10n.t('Backups of {0} stop. Its recovery points stay in the vault.', label),
    vscode.l10n.t('Unregister'),
  );
  if (!sure) return;
  const title = local ? vscode.l10n.t('Unregistering this server') : vscode.l10n.t('Unregistering {0}', label);
  const result = await withStages(title, UNREGISTER_STAGES, (p, signal) => f.session.unregister(p, signal));
  const done = await settled(f, result, () => unregister(f));
  if (!done) return;
  const message = done.alreadyUnregistered
    ? local
      ? vscode.l10n.t('This server was not registered; leftovers were removed.')
      : vscode.l10n.t('{0} was not registered; leftovers were removed.', label)
    : local
      ? vscode.l10n.t('This server is unregistered.')
      : vscode.l10n.t('{0} is unregistered.', label);
  void f.ui().message('info', message);
}

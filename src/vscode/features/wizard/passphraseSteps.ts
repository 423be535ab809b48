/**
 * Steps: generate or type the encryption passphrase (typed twice), then keep it: save it to a
 * file (after confirming the core's location warnings) or copy it. It is never shown unasked.
 */
import * as vscode from 'vscode';
import { Secret } from '../../../core/secret';
import { checkPassphraseRules } from '../../../core/service/passphrase';
import type { PassphraseLocationWarning } from '../../../core/passphrase/location';
import type { FeatureContext } from '../context';
import { showError } from '../context';
import { localiseError } from '../errors/localise';
import { warningText } from '../errors/warnings';
import { asSetupError } from '../session/checked';
import type { UserInput } from '../input/userInput';
import type { WizardStep } from './wizard';

export interface PassphraseAnswers {
  passphraseChoice?: 'generate' | 'enter' | 'keep';
  /** Typed in this run; forgotten when going Back. */
  typedPassphrase?: Secret;
}

export function passphraseChoiceStep<C extends PassphraseAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const present = f.session.snapshot().passphrase.present;
      const items: Array<{ label: string; description?: string; data: NonNullable<PassphraseAnswers['passphraseChoice']> }> = [
        ...(present ? [{ label: vscode.l10n.t('Use the passphrase chosen before'), data: 'keep' as const }] : []),
        { label: vscode.l10n.t('Generate a passphrase'), description: vscode.l10n.t('Recommended'), data: 'generate' },
        { label: vscode.l10n.t('Enter my own passphrase'), description: vscode.l10n.t('At least 16 ASCII characters'), data: 'enter' },
      ];
      const picked = await p.pick({ placeholder: vscode.l10n.t('The encryption passphrase: backups cannot be restored without it'), items, active: ctx.passphraseChoice });
      ctx.passphraseChoice = picked.data;
      if (picked.data === 'generate') f.session.generatePassphrase();
    },
  };
}

export function passphraseEntrySteps<C extends PassphraseAnswers>(f: FeatureContext, when: (ctx: C) => boolean = (ctx) => ctx.passphraseChoice === 'enter'): WizardStep<C>[] {
  const forget = (ctx: C) => (ctx.typedPassphrase = undefined);
  return [
    {
      shouldPrompt: when,
      async prompt(ctx, p) {
        const value = await p.input({
          prompt: vscode.l10n.t('Encryption passphrase: at least 16 ASCII characters'),
          password: true,
          validate: (v) => {
            try {
              checkPassphraseRules(new Secret(v));
              return undefined;
            } catch (err) {
              return localiseError(asSetupError(err), f.extension.extensionPath);
            }
          },
        });
        ctx.typedPassphrase = new Secret(value);
      },
      undo: forget,
    },
    {
      shouldPrompt: when,
      async prompt(ctx, p) {
        await p.input({
          prompt: vscode.l10n.t('Enter the passphrase again to confirm it'),
          password: true,
          validate: (v) => (v === ctx.typedPassphrase?.reveal() ? undefined : vscode.l10n.t('The passphrases do not match.')),
        });
        f.session.setPassphrase(ctx.typedPassphrase!);
      },
      undo: forget,
    },
  ];
}

/** Asks to confirm each place the core warns about; true to save there anyway. */
export function confirmLocationInDialog(ui: UserInput) {
  return (warnings: PassphraseLocationWarning[]) =>
    ui.confirm(vscode.l10n.t('Save the passphrase here?'), warnings.map((w) => warningText(w.code, w.params)).join('\n\n'), vscode.l10n.t('Save Here'));
}

/** Saves the passphrase where the user says; false when they cancelled the dialog or saving failed. */
export async function savePassphraseToFile(f: FeatureContext): Promise<boolean> {
  const file = await f.ui().saveFile({ title: vscode.l10n.t('Save the Encryption Passphrase'), defaultUri: vscode.Uri.file(f.session.defaultPassphraseFile()), saveLabel: vscode.l10n.t('Save Passphrase') });
  if (!file) return false;
  const result = await f.session.savePassphrase(file, confirmLocationInDialog(f.ui()));
  if (!result.ok) {
    await showError(f, result.error);
    return false;
  }
  const saved = result.value.file;
  void f
    .ui()
    .message(
      'info',
      f.session.target.kind === 'ssh'
        ? vscode.l10n.t('The passphrase was saved to {0} on this machine. Keep a copy somewhere safe too.', saved)
        : vscode.l10n.t('The passphrase was saved to {0}. Keep a copy somewhere safe, away from this server.', saved),
    );
  return true;
}

export async function copyPassphrase(f: FeatureContext): Promise<void> {
  const secret = f.session.revealPassphrase();
  if (secret) await vscode.env.clipboard.writeText(secret.reveal());
}

type KeepChoice = 'save' | 'copy' | 'continue';

export function passphraseKeepStep<C extends PassphraseAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    // A passphrase chosen before and already saved has nothing left to keep.
    skip: (ctx) => ctx.passphraseChoice === 'keep' && Boolean(f.session.snapshot().passphrase.savedTo),
    async prompt(_ctx, p) {
      for (;;) {
        const items: Array<{ label: string; description?: string; data: KeepChoice }> = [
          // The file the save dialog will propose, so the admin sees where before choosing.
          { label: `$(save) ${vscode.l10n.t('Save to file…')}`, description: f.session.defaultPassphraseFile(), data: 'save' },
          { label: `$(copy) ${vscode.l10n.t('Copy to clipboard')}`, description: vscode.l10n.t('Then paste it into your password manager or key vault'), data: 'copy' },
          { label: `$(arrow-right) ${vscode.l10n.t('Continue')}`, description: vscode.l10n.t('I have kept the passphrase'), data: 'continue' },
        ];
        const picked = await p.pick({ placeholder: vscode.l10n.t('Keep the passphrase: backups cannot be restored without it'), items });
        if (picked.data === 'continue') return;
        if (picked.data === 'copy') {
          await copyPassphrase(f);
          return;
        }
        if (await savePassphraseToFile(f)) return;
      }
    },
  };
}

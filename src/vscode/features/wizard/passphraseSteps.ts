/**
 * Steps: generate or type the encryption passphrase (typed twice), then keep it: save it to a
 * file (after confirming the core's location warnings) or copy it. It is never shown unasked.
 * The prompts only choose (the passphrase, the file); after the wizard the execute steps keep
 * the passphrase in the session and write the file.
 */
import * as vscode from 'vscode';
import { checkPassphraseRules, Secret, type PassphraseLocationWarning } from '../../../core/service';
import type { FeatureContext } from '../context';
import { showError } from '../context';
import { localiseError } from '../errors/localise';
import { warningText } from '../errors/warnings';
import type { ChosenPassphrase } from '../session';
import { asSetupError, passphraseNotSet } from '../session/checked';
import type { UserInput } from '../input/userInput';
import type { ExecuteStep, WizardStep } from './wizard';

export interface PassphraseAnswers {
  passphraseChoice?: 'generate' | 'enter' | 'keep';
  /** Typed in this run; forgotten when going Back. */
  typedPassphrase?: Secret;
  /** The passphrase chosen (generated, typed and confirmed, or the one chosen before, with the file it is saved to). */
  passphrase?: ChosenPassphrase & { savedTo?: string };
  /** The file to save it to, its place checked and the core's warnings about it accepted. */
  savePassphraseTo?: { file: string; accepted: string[] };
}

/** The file the passphrase is saved to, or will be once the execute steps ran. */
export const passphraseFileOf = (ctx: PassphraseAnswers): string | undefined => ctx.savePassphraseTo?.file ?? ctx.passphrase?.savedTo;

export function passphraseChoiceStep<C extends PassphraseAnswers>(f: FeatureContext): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      // This run's passphrase (going Back), else the session's.
      const before = ctx.passphrase ?? f.session.chosenPassphrase();
      const present = Boolean(before);
      const items: Array<{ label: string; description?: string; data: NonNullable<PassphraseAnswers['passphraseChoice']> }> = [
        ...(present ? [{ label: vscode.l10n.t('Use the passphrase chosen before'), data: 'keep' as const }] : []),
        { label: vscode.l10n.t('Generate a passphrase'), description: vscode.l10n.t('Recommended'), data: 'generate' },
        { label: vscode.l10n.t('Enter my own passphrase'), description: vscode.l10n.t('At least 16 ASCII characters'), data: 'enter' },
      ];
      const picked = await p.pick({ placeholder: vscode.l10n.t('The encryption passphrase: backups cannot be restored without it'), items, active: ctx.passphraseChoice });
      ctx.passphraseChoice = picked.data;
      if (picked.data === 'keep') ctx.passphrase = before;
      if (picked.data === 'generate') {
        ctx.passphrase = { value: (await f.session.getService()).generatePassphrase(), origin: 'generated' };
        ctx.savePassphraseTo = undefined;
      }
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
        ctx.passphrase = { value: ctx.typedPassphrase!, origin: 'typed' };
        ctx.savePassphraseTo = undefined;
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

/**
 * Asks where to save the passphrase and checks that place through the core (its warnings
 * confirmed in a dialog, no other file there), writing nothing; undefined when the user cancelled
 * the dialog or the place was refused (the refusal shown).
 */
async function choosePassphraseFile(f: FeatureContext, passphrase: Secret, vaultName: string | undefined): Promise<PassphraseAnswers['savePassphraseTo']> {
  const file = await f.ui().saveFile({ title: vscode.l10n.t('Save the Encryption Passphrase'), defaultUri: vscode.Uri.file(f.session.defaultPassphraseFile(vaultName)), saveLabel: vscode.l10n.t('Save Passphrase') });
  if (!file) return undefined;
  const confirm = confirmLocationInDialog(f.ui());
  let accepted: string[] = [];
  const result = await f.session.checkPassphraseFile(file, passphrase, async (warnings) => {
    const yes = await confirm(warnings);
    if (yes) accepted = warnings.map((w) => w.code);
    return yes;
  });
  if (!result.ok) {
    await showError(f, result.error);
    return undefined;
  }
  return { file: result.value.file, accepted };
}

/**
 * The refusal's next step ("Save a New Passphrase Elsewhere…") runs a wizard of its own while
 * this one waits, and that one keeps (and saves) a new passphrase: this wizard goes on with it.
 */
function followKeptElsewhere(f: FeatureContext, ctx: PassphraseAnswers, before: Secret | undefined): void {
  const now = f.session.chosenPassphrase();
  if (!now || now.value === before) return;
  ctx.passphrase = now;
  ctx.savePassphraseTo = undefined;
}

async function copyPassphrase(secret: Secret): Promise<void> {
  await vscode.env.clipboard.writeText(secret.reveal());
}

type KeepChoice = 'save' | 'copy' | 'continue';

/** `vaultName`: the vault the answers so far are for (the proposed file is named for it); else the session's. */
export function passphraseKeepStep<C extends PassphraseAnswers>(f: FeatureContext, vaultName: (ctx: C) => string | undefined = () => undefined): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    // A passphrase chosen before and already saved (or to be saved) has nothing left to keep.
    skip: (ctx) => ctx.passphraseChoice === 'keep' && Boolean(passphraseFileOf(ctx)),
    async prompt(ctx, p) {
      if (!ctx.passphrase) throw passphraseNotSet();
      for (;;) {
        const items: Array<{ label: string; description?: string; data: KeepChoice }> = [
          // The file the save dialog will propose, so the admin sees where before choosing.
          { label: `$(save) ${vscode.l10n.t('Save to file…')}`, description: f.session.defaultPassphraseFile(vaultName(ctx)), data: 'save' },
          { label: `$(copy) ${vscode.l10n.t('Copy to clipboard')}`, description: vscode.l10n.t('Then paste it into your password manager or key vault'), data: 'copy' },
          { label: `$(arrow-right) ${vscode.l10n.t('Continue')}`, description: vscode.l10n.t('I have kept the passphrase'), data: 'continue' },
        ];
        const picked = await p.pick({ placeholder: vscode.l10n.t('Keep the passphrase: backups cannot be restored without it'), items });
        if (picked.data === 'continue') return;
        if (picked.data === 'copy') {
          await copyPassphrase(ctx.passphrase.value);
          return;
        }
        const held = f.session.revealPassphrase();
        const chosen = await choosePassphraseFile(f, ctx.passphrase.value, vaultName(ctx));
        if (chosen) {
          ctx.savePassphraseTo = chosen;
          return;
        }
        followKeptElsewhere(f, ctx, held);
      }
    },
  };
}

/**
 * After the wizard: the session keeps the chosen passphrase, then its file is written (the
 * warnings accepted in the prompt, and only those, accepted again), before anything registers.
 */
export function keepPassphraseSteps<C extends PassphraseAnswers>(f: FeatureContext): ExecuteStep<C>[] {
  return [
    {
      async execute(ctx) {
        if (!ctx.passphrase) return true;
        const kept = f.session.keepPassphrase(ctx.passphrase);
        if (!kept.ok) await showError(f, kept.error);
        return kept.ok;
      },
    },
    {
      async execute(ctx) {
        const chosen = ctx.savePassphraseTo;
        if (!chosen) return true;
        const result = await f.session.savePassphrase(chosen.file, async (warnings: PassphraseLocationWarning[]) => warnings.every((w) => chosen.accepted.includes(w.code)));
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
      },
    },
  ];
}

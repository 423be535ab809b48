/** Texts for the core's warnings (codes with params, no message of their own), one per code: the compiler asks for each new one. */
import * as vscode from 'vscode';
import type { ErrorParams, SetupWarningCode } from '../../../core/service';

const WARNING_TEXTS: { readonly [C in SetupWarningCode]: (params: ErrorParams) => string } = {
  PassphraseFileInInstallFolder: (p) => vscode.l10n.t('It is inside the agent install folder {0}, which an uninstall may remove.', String(p.folder ?? '')),
  PassphraseFileInCacheFolder: (p) => vscode.l10n.t('It is inside the cache folder {0}, which the agent may clear.', String(p.folder ?? '')),
  PassphraseFileInWorkspace: (p) => vscode.l10n.t('It is inside the open workspace folder {0}, which may be shared or published.', String(p.folder ?? '')),
  PassphraseFileInGitWorkTree: (p) => vscode.l10n.t('It is inside the Git work tree {0}, from where it could be committed.', String(p.folder ?? '')),
  PassphraseFileOnProtectedServer: () =>
    vscode.l10n.t('It is on the server being protected: if the server is lost, so is the passphrase. Keep a copy elsewhere too, such as a key vault.'),
  PassphraseWeak: (p) => vscode.l10n.t('The passphrase is weak (about {0} bits). A generated one is much stronger.', String(p.strengthBits ?? '?')),
  PassphraseNotSaved: () => vscode.l10n.t('The passphrase is not saved to a file: make sure you keep it, backups cannot be restored without it.'),
  CredentialsExpireSoon: (p) => vscode.l10n.t('The credentials file expires in {0} minutes.', String(p.minutesLeft ?? '?')),
  AlreadyRegistered: () => vscode.l10n.t('This server is already registered with this vault: it will be registered again with the same registration.'),
};

export function warningText(code: SetupWarningCode, params: ErrorParams): string {
  return WARNING_TEXTS[code](params);
}

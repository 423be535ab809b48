/** Texts for the core's warnings (codes with params, no message of their own). */
import * as vscode from 'vscode';
import type { ErrorParams } from '../../../core/errors';

export function warningText(code: string, params: ErrorParams): string {
  const folder = String(params.folder ?? '');
  switch (code) {
    case 'PassphraseFileInInstallFolder':
      return vscode.l10n.t('It is inside the agent install folder {0}, which an uninstall may remove.', folder);
    case 'PassphraseFileInCacheFolder':
      return vscode.l10n.t('It is inside the cache folder {0}, which the agent may clear.', folder);
    case 'PassphraseFileInWorkspace':
      return vscode.l10n.t('It is inside the open workspace folder {0}, which may be shared or published.', folder);
    case 'PassphraseFileInGitWorkTree':
      return vscode.l10n.t('It is inside the Git work tree {0}, from where it could be committed.', folder);
    case 'PassphraseFileOnProtectedServer':
      return vscode.l10n.t('It is on the server being protected: if the server is lost, so is the passphrase. Keep a copy elsewhere too, such as a key vault.');
    case 'PassphraseWeak':
      return vscode.l10n.t('The passphrase is weak (about {0} bits). A generated one is much stronger.', String(params.strengthBits ?? '?'));
    case 'PassphraseNotSaved':
      return vscode.l10n.t('The passphrase is not saved to a file: make sure you keep it, backups cannot be restored without it.');
    case 'CredentialsExpireSoon':
      return vscode.l10n.t('The credentials file expires in {0} minutes.', String(params.minutesLeft ?? '?'));
    case 'AlreadyRegistered':
      return vscode.l10n.t('This server is already registered with this vault: it will be registered again with the same registration.');
    default:
      return code;
  }
}

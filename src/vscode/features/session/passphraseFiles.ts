/**
 * The passphrase file's place, checked and saved through the core: compared with the target's
 * folders and the open workspace's (the core warns about each), confirmed through `confirm`,
 * written 0600 and never over another file.
 */
import * as vscode from 'vscode';
import type { ConfirmPassphraseLocation, PassphraseLocationWarning, Secret, SetupService } from '../../../core/service';
import { checked, passphraseNotSet } from './checked';
import type { PassphraseKeeper } from './passphraseKeeper';
import type { SessionTarget } from './target';
import type { Checked } from './types';

function passphraseFolders(target: SessionTarget): { installFolder?: string; cacheFolder?: string; workspaceFolders?: string[] } {
  const place = target.place();
  return {
    installFolder: place.installFolder || undefined,
    cacheFolder: place.cacheFolder || undefined,
    workspaceFolders: vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath),
  };
}

/** Checks a place for `passphrase`'s file without writing it. */
export function checkPassphraseFile(
  service: SetupService,
  target: SessionTarget,
  place: { file: string; passphrase: Secret; confirm?: ConfirmPassphraseLocation },
): Promise<Checked<{ file: string; warnings: PassphraseLocationWarning[] }>> {
  return checked(() => service.checkPassphraseFile({ ...place, folders: passphraseFolders(target) }));
}

/** Saves the passphrase `keeper` holds now, for `vaultName`, and records where. */
export async function savePassphraseFile(
  service: SetupService,
  target: SessionTarget,
  keeper: PassphraseKeeper,
  place: { file: string; vaultName: string; confirm?: ConfirmPassphraseLocation },
): Promise<Checked<{ file: string }>> {
  const held = keeper.reveal();
  const result = await checked(async () => {
    if (!held) throw passphraseNotSet();
    const saved = await service.savePassphraseFile({ ...place, passphrase: held, folders: passphraseFolders(target), serverName: target.place().serverName });
    return { file: saved };
  });
  if (result.ok && held) keeper.saved(held, result.value.file);
  return result;
}

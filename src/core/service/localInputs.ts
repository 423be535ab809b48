/**
 * The setup's inputs that live on the admin machine (the credentials file, the passphrase and the
 * file it goes to), checked by the same rules prepareSetup applies, without a target: a surface
 * that must connect to a server first (over SSH) calls this before connecting, so a typo in a path
 * or a short passphrase is refused at once. prepareSetup checks them again, on the way to the target.
 */
import path from 'node:path';
import type { SetupInput } from './types';
import { checkPassphraseRules, existingPassphraseFile } from './passphrase';
import { inspectCredentials } from './prepare';

export async function checkLocalInputs(input: Pick<SetupInput, 'credentialsFile' | 'passphrase' | 'passphraseFile'>, options: { now?: Date; signal?: AbortSignal } = {}): Promise<void> {
  await inspectCredentials(input.credentialsFile, options.now ?? new Date(), options.signal);
  checkPassphraseRules(input.passphrase.value);
  if (input.passphraseFile) await existingPassphraseFile(path.resolve(input.passphraseFile), input.passphrase.value);
}

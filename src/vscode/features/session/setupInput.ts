/**
 * The setup input the core plans and registers from: what the session holds (its credentials
 * file, passphrase, the target's place, the proxy), or the wizard's choices not kept yet where
 * they say. A step taken out of order (no file, no passphrase) is refused here.
 */
import type { ProxySettings, Secret, SetupInput } from '../../../core/service';
import { credentialsNotSelected, passphraseNotSet } from './checked';
import type { TargetPlace } from './target';
import type { SetupChoices } from './types';

/** What the session holds now. */
export interface HeldChoices {
  credentialsFile?: string;
  passphrase?: Secret;
  /** Where the held passphrase was saved. */
  passphraseFile?: string;
  place: TargetPlace;
  dataSizeBytes?: number;
  /** The proxy to use: settings plus the stored password. */
  proxy(): Promise<ProxySettings>;
  /** A chosen proxy with the stored password filled in where it keeps it. */
  withStoredPassword(proxy: ProxySettings): Promise<ProxySettings>;
}

export async function assembleSetupInput(held: HeldChoices, choices?: SetupChoices): Promise<SetupInput> {
  const file = choices?.credentialsFile ?? held.credentialsFile;
  if (!file) throw credentialsNotSelected();
  const chosen = choices?.passphrase;
  const passphrase = chosen?.value ?? held.passphrase;
  if (!passphrase) throw passphraseNotSet();
  const { place } = held;
  return {
    credentialsFile: file,
    installFolder: (choices ? choices.installFolder : place.installFolder) || undefined,
    cacheFolder: (choices ? choices.cacheFolder : place.cacheFolder) || undefined,
    serverName: (choices?.serverName ?? place.serverName) || undefined,
    dataSizeBytes: choices?.dataSizeBytes ?? held.dataSizeBytes,
    proxy: choices ? await held.withStoredPassword(choices.proxy) : await held.proxy(),
    passphrase: { value: passphrase },
    passphraseFile: chosen ? chosen.file : held.passphraseFile,
  };
}

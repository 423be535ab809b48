/**
 * The encryption passphrase of this window: only in memory, as a Secret, with where it came from
 * and the file it was saved to. The rules (length, strength, generation) are the core's.
 */
import os from 'node:os';
import { checkPassphraseRules, generatePassphrase, givenServerName, passphraseStrength, proposedPassphraseFile, Secret } from '../../../core/service';
import { asSetupError } from './checked';
import type { SessionTarget } from './target';
import type { Checked, PassphraseState } from './types';

/** A passphrase chosen on some surface, not kept yet. */
export interface ChosenPassphrase {
  value: Secret;
  origin: 'generated' | 'typed';
}

interface HeldPassphrase extends ChosenPassphrase {
  savedTo?: string;
}

export class PassphraseKeeper {
  private held?: HeldPassphrase;

  /** A new passphrase by the core's rule, without waiting for the service. */
  static generate(): ChosenPassphrase {
    return { value: new Secret(generatePassphrase()), origin: 'generated' };
  }

  /**
   * Keeps `chosen` once the core's rules accept it. The same passphrase as the one held keeps its
   * saved file (that file holds it); another one starts unsaved.
   */
  keep(chosen: ChosenPassphrase): Checked<PassphraseState> {
    try {
      checkPassphraseRules(chosen.value);
    } catch (err) {
      return { ok: false, error: asSetupError(err) };
    }
    const same = this.held?.value.reveal() === chosen.value.reveal();
    this.held = { ...chosen, savedTo: same ? this.held?.savedTo : undefined };
    return { ok: true, value: this.state() };
  }

  reveal(): Secret | undefined {
    return this.held?.value;
  }

  /** The passphrase held, as origin and file: what a later step (summary, keep again) may reuse. */
  chosen(): (ChosenPassphrase & { savedTo?: string }) | undefined {
    return this.held && { ...this.held };
  }

  savedTo(): string | undefined {
    return this.held?.savedTo;
  }

  /** `file` now holds `value`; recorded only when that is still the passphrase held. */
  saved(value: Secret, file: string): void {
    if (this.held?.value === value) this.held.savedTo = file;
  }

  forget(): void {
    this.held = undefined;
  }

  state(): PassphraseState {
    const held = this.held;
    if (!held) return { present: false };
    return { present: true, origin: held.origin, ...passphraseStrength(held.value), savedTo: held.savedTo };
  }
}

/**
 * The passphrase file offered when the user names none: in the admin's home folder on this
 * machine (never on the server it protects), named for the vault (else this machine) and a
 * remote server, and a name no file has yet, so a new passphrase is never offered the file of an
 * earlier one.
 */
export function defaultPassphraseFile(vaultName: string | undefined, target: SessionTarget): string {
  const server = target.kind === 'ssh' ? [givenServerName(target.place().serverName) ?? target.target.label] : [];
  return proposedPassphraseFile(os.homedir(), [vaultName ?? os.hostname(), ...server]);
}

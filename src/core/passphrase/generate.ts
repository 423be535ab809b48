import { randomBytes } from 'node:crypto';
import { SetupError } from '../errors';

/** The agent's minimum (agent facts §4). */
export const MIN_PASSPHRASE_LENGTH = 16;
const MAX_GENERATED_LENGTH = 1024;

/** Printable ASCII without space: 0x21 '!' to 0x7E '~'. */
const FIRST = 0x21;
const ALPHABET_SIZE = 0x7e - FIRST + 1; // 94
/** The largest multiple of 94 that fits in a byte: bytes at or above it are drawn again, so no symbol is favoured. */
const ACCEPT_BELOW = Math.floor(256 / ALPHABET_SIZE) * ALPHABET_SIZE; // 188

export function generatePassphrase(length = 32): string {
  if (!Number.isInteger(length) || length > MAX_GENERATED_LENGTH) throw new RangeError(`passphrase length must be an integer up to ${MAX_GENERATED_LENGTH}`);
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new SetupError('PassphraseTooShort', `A passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters.`, { min: MIN_PASSPHRASE_LENGTH });
  }
  const codes: number[] = [];
  while (codes.length < length) {
    // About 73% of bytes are accepted; draw a little extra to usually finish in one round.
    for (const byte of randomBytes(Math.ceil((length - codes.length) * 1.5))) {
      if (byte < ACCEPT_BELOW && codes.length < length) codes.push(FIRST + (byte % ALPHABET_SIZE));
    }
  }
  return String.fromCharCode(...codes);
}

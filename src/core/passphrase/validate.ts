import type { PassphraseValidationCode } from './codes';
import { MIN_PASSPHRASE_LENGTH } from './generate';

export interface PassphraseValidation {
  /** No refusal; a weak passphrase is still ok, with a warning. */
  ok: boolean;
  errors: PassphraseValidationCode[];
  /** A rough estimate of the guesses needed, in bits. */
  strengthBits: number;
  weak: boolean;
  warning?: 'PassphraseWeak';
}

/** Below this the adapter suggests a generated passphrase (which has about 210 bits). */
export const WEAK_BELOW_BITS = 80;

export function validatePassphrase(passphrase: string): PassphraseValidation {
  const codes = [...passphrase].map((c) => c.codePointAt(0)!);
  const errors: PassphraseValidationCode[] = [];
  if (codes.length < MIN_PASSPHRASE_LENGTH) errors.push('PassphraseTooShort');
  if (codes.some((n) => n > 0x7f)) errors.push('PassphraseNotAscii');
  if (codes.some((n) => n < 0x20 || n === 0x7f)) errors.push('PassphraseControlCharacters');
  const strengthBits = estimateStrengthBits(passphrase);
  const weak = strengthBits < WEAK_BELOW_BITS;
  return { ok: errors.length === 0, errors, strengthBits, weak, ...(weak ? { warning: 'PassphraseWeak' as const } : {}) };
}

const CLASSES: Array<[RegExp, number]> = [
  [/[a-z]/, 26],
  [/[A-Z]/, 26],
  [/[0-9]/, 10],
  [/[^a-zA-Z0-9]/, 33], // the 32 ASCII symbols and space
];

/** Words and patterns attackers try first; each counts as one pick from a small dictionary. */
const COMMON_WORDS = [
  'administrator', 'passphrase', 'microsoft', 'changeme', 'password', 'iloveyou', 'sunshine', 'football', 'baseball',
  'princess', 'trustno1', 'passwort', 'letmein', 'welcome', 'windows', 'monkey', 'dragon', 'master', 'secret', 'backup',
  'server', 'summer', 'winter', 'spring', 'autumn', 'qwerty', 'azerty', 'abc123', 'admin', 'azure', 'vault', 'login',
];
const WORD_BITS = 10;
/** A repeated character or chunk, or the next step of a run like "abcd" or "4321". */
const PATTERN_BITS = 1;
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

/** Characters past this add nothing to the verdict (already far above the threshold) but cost time. */
const ESTIMATE_LIMIT = 128;
const MIN_REPEAT = 3;

/**
 * Character-class entropy per character, discounted for dictionary words (also in leetspeak),
 * repeated characters and chunks, and runs. Deliberately simple: it only has to tell "fine" from
 * "please reconsider".
 */
export function estimateStrengthBits(passphrase: string): number {
  const chars = [...passphrase].slice(0, ESTIMATE_LIMIT);
  const pool = CLASSES.reduce((sum, [pattern, size]) => sum + (pattern.test(passphrase) ? size : 0), 0);
  if (pool === 0) return 0;
  const { at: inWord, words, text } = coverCommonWords(chars);
  let bits = WORD_BITS * words;
  for (let i = 0; i < chars.length; ) {
    if (inWord[i]) {
      i++;
      continue;
    }
    const repeat = repeatedChunkLength(text, i);
    if (repeat > 0) {
      bits += PATTERN_BITS;
      i += repeat;
      continue;
    }
    const step = i > 0 ? chars[i]!.codePointAt(0)! - chars[i - 1]!.codePointAt(0)! : NaN;
    const pattern = step === 0 || (Math.abs(step) === 1 && !inWord[i - 1]);
    bits += pattern ? PATTERN_BITS : Math.log2(pool);
    i++;
  }
  return Math.round(bits);
}

/** The length of the longest chunk starting at i that already occurred earlier ("Summer!Summer!"), or 0. */
function repeatedChunkLength(text: string, i: number): number {
  for (let length = text.length - i; length >= MIN_REPEAT; length--) {
    const index = text.indexOf(text.slice(i, i + length));
    if (index >= 0 && index < i) return length;
  }
  return 0;
}

function coverCommonWords(chars: string[]): { at: boolean[]; words: number; text: string } {
  // One UTF-16 unit per character, so string indexes stay character indexes.
  const lower = chars.map((c) => (c.codePointAt(0)! > 0x7f ? '\u0000' : c.toLowerCase()));
  const spellings = [lower.join(''), lower.map((c) => LEET[c] ?? c).join('')];
  const at = chars.map(() => false);
  let words = 0;
  for (const word of COMMON_WORDS) {
    for (const text of spellings) {
      for (let from = text.indexOf(word); from >= 0; from = text.indexOf(word, from + 1)) {
        if (at.slice(from, from + word.length).some(Boolean)) continue;
        at.fill(true, from, from + word.length);
        words++;
      }
    }
  }
  return { at, words, text: spellings[0]! };
}

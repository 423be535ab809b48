import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { SetupError } from '../errors';

/**
 * Lets the extension check later that a saved or re-typed passphrase is the one the agent was
 * given, without keeping the passphrase itself. JSON-serialisable for settings or secret storage.
 */
export interface PassphraseVerifier {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/**
 * Below OWASP's N=2^17 for user passwords on purpose: passphrases here have 16+ characters (and
 * ~200 bits when generated), and 32 MiB instead of 128 MiB suits the extension host.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const base64Bytes = (min: number, max: number) =>
  z.base64().refine((s) => {
    const length = Buffer.from(s, 'base64').length;
    return length >= min && length <= max;
  });

/** Bounds keep a tampered verifier from making a check take minutes or gigabytes. */
export const verifierSchema = z.object({
  algorithm: z.literal('scrypt'),
  N: z.number().int().min(2).max(2 ** 20).refine((n) => (n & (n - 1)) === 0, 'power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: base64Bytes(SALT_BYTES, 64),
  hash: base64Bytes(16, 64),
});

export async function createPassphraseVerifier(passphrase: string): Promise<PassphraseVerifier> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(passphrase, salt, HASH_BYTES, COST);
  return { algorithm: 'scrypt', ...COST, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function verifyPassphrase(verifier: PassphraseVerifier, passphrase: string): Promise<boolean> {
  const parsed = verifierSchema.safeParse(verifier);
  if (!parsed.success) {
    throw new SetupError('PassphraseVerifierInvalid', 'The stored passphrase check is damaged.', {
      field: parsed.error.issues[0]!.path.join('.'),
    });
  }
  const { N, r, p, salt, hash } = parsed.data;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(passphrase, Buffer.from(salt, 'base64'), expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

function derive(passphrase: string, salt: Buffer, length: number, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default cap (32 MiB) is exactly that at our cost, so raise it.
  const maxmem = 256 * cost.N * cost.r;
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, length, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

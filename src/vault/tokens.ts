/**
 * The data folder's bearer tokens (the admin API's, the ARM emulator's): random, kept 0600, made
 * by whichever of the service or the CLI needs one first, and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { writeFileAtomic } from '../core/fs/atomic';
import { readOptional } from './layout';

/** The token in `file`, made on first use; an exclusive create keeps two first users from making two. */
export async function bearerToken(file: string): Promise<string> {
  for (;;) {
    const existing = await readOptional(file);
    if (existing?.trim()) return existing.trim();
    const token = randomBytes(32).toString('base64url');
    try {
      // An empty file (a crash before the write) is replaced; only a missing one is created exclusively.
      await writeFileAtomic(file, `${token}\n`, { mode: 0o600, exclusive: existing === undefined });
      return token;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Whether an `Authorization` header is `Bearer <token>`, without leaking the token through timing. */
export function bearerMatcher(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

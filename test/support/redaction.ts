/** Leak checks for proxy credentials in errors: every form a log or a UI could pick up. */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/**
 * Fails if `password` (plain or URL-encoded) or the Basic header value of `user:password` shows in
 * the error's message, JSON form or inspected form, or in its cause. Pass the password actually
 * sent, and make it distinctive: a plain word could be found for other reasons, or missed.
 */
export function assertRedacted(err: unknown, credentials: { user: string; password: string }): void {
  const { user, password } = credentials;
  const needles = new Set([password, encodeURIComponent(password), Buffer.from(`${user}:${password}`).toString('base64')]);
  const cause = err instanceof Error ? err.cause : undefined;
  const texts = [String(err), JSON.stringify(err) ?? '', inspect(err, { depth: 10 }), String(cause), inspect(cause, { depth: 10 })];
  for (const text of texts) {
    for (const needle of needles) assert.ok(!text.includes(needle), `proxy credentials leaked: ${text}`);
  }
}

/**
 * Decodes a piece of content once per content hash: a fleet reads the same credentials file and
 * the same agent package for every server, and parsing them (a PKCS#12 key derivation, a
 * gunzip and tar parse) is most of the admin's own CPU per server. Values are held weakly, so the
 * cache never keeps a decoded file (the credentials' client key included) alive longer than its
 * users do; a decode that throws (or a promise that rejects) is not kept, so every reader gets its own refusal.
 */
import { createHash } from 'node:crypto';

export class ContentCache<T extends object> {
  readonly #entries = new Map<string, WeakRef<T>>();
  readonly #cleanup = new FinalizationRegistry<string>((key) => {
    if (!this.#entries.get(key)?.deref()) this.#entries.delete(key);
  });

  /** The value decoded from `bytes`, decoded now only when no live value has the same hash. */
  get(bytes: Uint8Array, decode: (bytes: Uint8Array) => T): T {
    const key = createHash('sha256').update(bytes).digest('base64');
    const held = this.#entries.get(key)?.deref();
    if (held) return held;
    const value = decode(bytes);
    this.#entries.set(key, new WeakRef(value));
    this.#cleanup.register(value, key);
    // A decode that fails later (a promise) is forgotten too, so the next reader tries again.
    if (value instanceof Promise) value.catch(() => this.#entries.get(key)?.deref() === value && this.#entries.delete(key));
    return value;
  }
}

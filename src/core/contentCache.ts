/**
 * Decodes a piece of content once per content hash: a fleet reads the same credentials file and
 * the same agent package for every server, and parsing them (a PKCS#12 key derivation, a
 * gunzip and tar parse) is most of the admin's own CPU per server. Values are held weakly, so the
 * cache never keeps a decoded file (the credentials' client key included) alive longer than its
 * users do; a decode that throws (or a promise that rejects) is not kept, so every reader gets its own refusal.
 *
 * Held weakly alone, a value that no reader keeps between two uses (the agent package, read
 * anew by each server's install) is collected between servers and decoded again. `holdMs` keeps
 * such a value for that long after its last use as well; it is for content that holds no secret.
 */
import { createHash } from 'node:crypto';

export interface ContentCacheOptions {
  /** Also held strongly for this long after each use (ms); 0, the default: held weakly only. */
  holdMs?: number;
}

export class ContentCache<T extends object> {
  readonly #entries = new Map<string, WeakRef<T>>();
  readonly #cleanup = new FinalizationRegistry<string>((key) => {
    if (!this.#entries.get(key)?.deref()) this.#entries.delete(key);
  });
  readonly #held = new Map<string, { value: T; timer: NodeJS.Timeout }>();

  constructor(private readonly options: ContentCacheOptions = {}) {}

  /** The value decoded from `bytes`, decoded now only when no live value has the same hash. */
  get(bytes: Uint8Array, decode: (bytes: Uint8Array) => T): T {
    const key = createHash('sha256').update(bytes).digest('base64');
    const held = this.#entries.get(key)?.deref();
    if (held) return this.#hold(key, held);
    const value = decode(bytes);
    this.#entries.set(key, new WeakRef(value));
    this.#cleanup.register(value, key);
    // A decode that fails later (a promise) is forgotten too, so the next reader tries again.
    if (value instanceof Promise) value.catch(() => this.#forget(key, value));
    return this.#hold(key, value);
  }

  #hold(key: string, value: T): T {
    const { holdMs = 0 } = this.options;
    if (holdMs <= 0) return value;
    clearTimeout(this.#held.get(key)?.timer);
    // Unref'd: a held value never keeps the process alive.
    const timer = setTimeout(() => this.#held.delete(key), holdMs).unref();
    this.#held.set(key, { value, timer });
    return value;
  }

  #forget(key: string, value: T): void {
    if (this.#entries.get(key)?.deref() === value) this.#entries.delete(key);
    const held = this.#held.get(key);
    if (held?.value === value) {
      clearTimeout(held.timer);
      this.#held.delete(key);
    }
  }
}

/**
 * One TLS secure context per set of trusted CAs, reused: building one parses every CA PEM into a
 * fresh certificate store, and a fleet makes the same connections (health check, agent download)
 * for every server. Only contexts without a client certificate are shared: a context holding a
 * key is never reused, so no connection can present another's identity. Held weakly, as the
 * content cache is.
 */
import { createHash } from 'node:crypto';
import tls, { type SecureContext } from 'node:tls';
import type { TlsOptions } from './dispatcher';

const contexts = new Map<string, WeakRef<SecureContext>>();
const cleanup = new FinalizationRegistry<string>((key) => {
  if (!contexts.get(key)?.deref()) contexts.delete(key);
});

/** The shared context for `options`' CAs; undefined with a client certificate or no CAs (the system's store). */
export function sharedSecureContext(options: TlsOptions): SecureContext | undefined {
  if (options.cert || options.key || options.ca === undefined) return undefined;
  const cas = Array.isArray(options.ca) ? options.ca : [options.ca];
  const hash = createHash('sha256');
  for (const ca of cas) hash.update(createHash('sha256').update(ca).digest());
  const key = hash.digest('base64');
  const held = contexts.get(key)?.deref();
  if (held) return held;
  const context = tls.createSecureContext({ ca: options.ca });
  contexts.set(key, new WeakRef(context));
  cleanup.register(context, key);
  return context;
}

/**
 * Keeps activation light: everything that needs the core (zod, node-forge, undici…) lives in a
 * second bundle, dist/features.js, loaded the first time a command or the status check needs it.
 */
import type { FeatureHost, Features } from './features';

export function lazyFeatures(host: FeatureHost): () => Promise<Features> {
  let loaded: Promise<Features> | undefined;
  return () =>
    (loaded ??= Promise.resolve().then(() => {
      // Resolved next to dist/extension.js at run time; esbuild leaves it external.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundle = require('./features.js') as typeof import('./features');
      return bundle.createFeatures(host);
    }));
}

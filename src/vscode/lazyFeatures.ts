/**
 * Keeps activation light: everything that needs the core (zod, node-forge, undici…) lives in
 * dist/features.mjs, imported the first time a command or the status check needs it. It is an
 * ES module split into chunks: undici, the credentials parser (node-forge), SSH and fleets, the
 * local vault service and Azure load later still, when first reached.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FeatureHost, Features } from './features';

export function lazyFeatures(host: FeatureHost): () => Promise<Features> {
  let loaded: Promise<Features> | undefined;
  return () =>
    (loaded ??= (async () => {
      // Next to dist/extension.js at run time; a computed specifier, so esbuild leaves it alone.
      const bundle = (await import(pathToFileURL(path.join(__dirname, 'features.mjs')).href)) as typeof import('./features');
      return bundle.createFeatures(host);
    })());
}

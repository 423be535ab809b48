// Builds the bundles: the extension (Node, CommonJS) and the features it loads on first use (ES
// modules in chunks, scripts/lib/esm-node.mjs), the setup page webview (browser), the agent package the local vault serves (dist/agent), and the
// command lines package.json `bin` installs (dist/bin, scripts/build-cli.mjs).
// `--production` minifies and drops source maps; `--tests` also bundles the suites that run
// inside the extension host into out/test.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { buildAgent } from './build-agent.mjs';
import { buildCli } from './build-cli.mjs';
import { COMMONJS_GLOBALS_BANNER, dropUnusedBanner, llhttpWithoutSimd, vscodeThroughRequire } from './lib/esm-node.mjs';

const production = process.argv.includes('--production');
const withTests = process.argv.includes('--tests');
const root = path.resolve(import.meta.dirname, '..');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  // Bundled licence notices go to dist/*.LEGAL.txt, shipped beside the minified bundles.
  legalComments: production ? 'external' : 'eof',
  logLevel: 'warning',
  absWorkingDir: root,
  metafile: true,
};

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const builds = [
  // The light bundle activation loads (CommonJS, as the extension host requires its main).
  esbuild.build({
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  // The features it imports on first use: ES modules split into chunks, so that each dynamic
  // import() in the sources (SSH and fleets, the local vault service) loads only when reached.
  esbuild.build({
    ...common,
    entryPoints: { features: 'src/vscode/features/index.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: COMMONJS_GLOBALS_BANNER },
    plugins: [vscodeThroughRequire, llhttpWithoutSimd],
    // ssh2's optional native parts (its crypto binding, cpu-features) are left out: it falls back
    // to pure JavaScript when they do not load, so the bundle needs no native module.
    external: ['*.node', 'cpu-features'],
  }),
  esbuild.build({
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
];

if (withTests) {
  const suites = ['integration', 'ui', 'packaged', 'bench'].flatMap((layer) => {
    const dir = path.join(root, 'test', layer);
    return fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => `test/${layer}/${f}`)
      : [];
  });
  fs.rmSync(path.join(root, 'out', 'test'), { recursive: true, force: true });
  builds.push(esbuild.build({
    ...common,
    sourcemap: 'inline',
    minify: false,
    entryPoints: suites,
    outbase: 'test',
    outdir: 'out/test',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha', '*.node', 'cpu-features'],
  }));
}

const results = await Promise.all(builds);
// Most of the features' chunks use none of the banner's names: it goes from those.
dropUnusedBanner(Object.keys(results[1].metafile.outputs).filter((file) => file.endsWith('.mjs')).map((file) => path.join(root, file)));
// The agent package "Start Local Vault" serves (dist/agent), rebuilt since dist/ was wiped.
const agent = await buildAgent({ root });
const cli = await buildCli({ root, production });
for (const r of results.slice(0, 3)) { // the product bundles, not the test suites
  for (const file of Object.keys(r.metafile.outputs)) {
    if (!file.endsWith('.map')) console.log(`built ${file} (${(fs.statSync(path.join(root, file)).size / 1024).toFixed(1)} KiB)`);
  }
}
console.log(`built ${path.relative(root, agent.file)} (${(agent.size / 1024).toFixed(1)} KiB)`);
for (const [file, info] of Object.entries(cli.metafile.outputs)) {
  if (info.entryPoint) console.log(`built ${file} (${(info.bytes / 1024).toFixed(1)} KiB, and its chunks)`);
}

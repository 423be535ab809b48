import fs from 'node:fs';

// What an ES-module bundle for Node needs when it holds CommonJS code: the dependencies (ssh2,
// node-forge, undici) call require() for Node's own modules and ssh2 reads __dirname, so every
// output file is given them as CommonJS would. Shared by the extension's features bundle and the
// command lines (both esbuild builds with code splitting, where chunks must be ES modules).
export const COMMONJS_GLOBALS_BANNER = [
  "import { createRequire as __esmRequire } from 'node:module';",
  "import { fileURLToPath as __esmFile } from 'node:url';",
  'const require = __esmRequire(import.meta.url);',
  'const __filename = __esmFile(import.meta.url);',
  "const __dirname = __esmFile(new URL('.', import.meta.url));",
].join(' ');

/**
 * Empties the banner's line in the output files that use none of what it defines: most chunks are
 * the extension's own code, and each banner costs about 100 bytes of the .vsix once compressed.
 * A file that names `require`, `__filename` or `__dirname` anywhere (esbuild's own `__require`
 * helper reads `require`) keeps it. The line stays, empty, so source maps still match.
 * @param {string[]} files
 */
export function dropUnusedBanner(files) {
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.startsWith(COMMONJS_GLOBALS_BANNER)) continue;
    const body = text.slice(COMMONJS_GLOBALS_BANNER.length);
    if (!/\b(require|__filename|__dirname)\b/.test(body)) fs.writeFileSync(file, body);
  }
}

/**
 * `vscode` exists only as the extension host's require() hook, which finds the calling extension
 * by the requiring file's path: an ES module's `import 'vscode'` would not reach it. So the
 * import becomes a CommonJS module that calls the banner's require(), made from the chunk's own
 * path inside the extension's folder.
 * @type {import('esbuild').Plugin}
 */
export const vscodeThroughRequire = {
  name: 'vscode-through-require',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-through-require' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-through-require' });
    build.onLoad({ filter: /.*/, namespace: 'vscode-through-require' }, () => ({ contents: "module.exports = require('vscode');", loader: 'js' }));
  },
};

/**
 * undici compiles its HTTP parser from one of two WebAssembly builds, with SIMD when the engine
 * has it and the plain one otherwise (72 KiB each). Bundles keep only the plain one, which runs
 * everywhere: undici falls back to it when the SIMD build does not load. Parsing speed is not
 * what limits a handful of requests to a vault.
 * @type {import('esbuild').Plugin}
 */
export const llhttpWithoutSimd = {
  name: 'llhttp-without-simd',
  setup(build) {
    build.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]llhttp[\\/]llhttp_simd-wasm\.js$/ }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
  },
};

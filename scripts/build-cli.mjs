// Builds the two command lines the package installs (package.json `bin`): backup-agent-setup
// (src/cli/bin.ts) and backup-vault (src/vault/cli.ts), as ES modules with code splitting into
// dist/bin/. Each `import()` in their sources becomes a chunk loaded only when reached, so `--help`
// and `inspect` load neither ssh2 nor undici. `ensureCliBuilt()` rebuilds them when a source is
// newer than the bundles: what `npm run cli` and `npm run vault` (scripts/run-bin.mjs) and the
// CLI's tests run, with no TypeScript compiled at run time.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMMONJS_GLOBALS_BANNER, llhttpWithoutSimd } from './lib/esm-node.mjs';

const repoRoot = path.resolve(import.meta.dirname, '..');
export const BIN_DIR = 'dist/bin';
/** The installed command names and their bundles (package.json `bin` says the same). */
export const BINS = { 'backup-agent-setup': `${BIN_DIR}/backup-agent-setup.mjs`, 'backup-vault': `${BIN_DIR}/backup-vault.mjs` };

/** @param {{ root?: string, production?: boolean }} [options] */
export async function buildCli({ root = repoRoot, production = false } = {}) {
  // Imported here: a launch that finds the bundles up to date does not load esbuild.
  const esbuild = await import('esbuild');
  fs.rmSync(path.join(root, BIN_DIR), { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { 'backup-agent-setup': 'src/cli/bin.ts', 'backup-vault': 'src/vault/cli.ts' },
    outdir: BIN_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Always minified: a command's start is mostly parsing zod and node-forge (inspect), and
    // minified code parses in about half the time. The dev build keeps source maps for stacks.
    minify: true,
    sourcemap: production ? false : 'linked',
    legalComments: production ? 'external' : 'eof',
    banner: { js: COMMONJS_GLOBALS_BANNER },
    plugins: [llhttpWithoutSimd],
    // ssh2's optional native parts: it falls back to pure JavaScript without them (as in build.mjs).
    external: ['*.node', 'cpu-features'],
    logLevel: 'warning',
    metafile: true,
  });
  for (const file of Object.values(BINS)) {
    const full = path.join(root, file);
    fs.writeFileSync(full, `#!/usr/bin/env node\n${fs.readFileSync(full, 'utf8')}`);
    fs.chmodSync(full, 0o755);
  }
  return result;
}

/** The newest modification time under `dir` (files only). */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds the bundles when one is missing or older than src/, l10n/, package.json or this script. */
export async function ensureCliBuilt({ root = repoRoot } = {}) {
  const built = Object.values(BINS).map((file) => path.join(root, file));
  const oldest = Math.min(...built.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)));
  // l10n/ too: the Spanish texts are bundled (src/cli/spanish.ts).
  const sources = Math.max(newestUnder(path.join(root, 'src')), newestUnder(path.join(root, 'l10n')), ...['package.json', 'scripts/build-cli.mjs'].map((f) => fs.statSync(path.join(root, f)).mtimeMs));
  if (oldest > sources) return false;
  // stderr: stdout is the command's, and with --json holds one JSON object only.
  process.stderr.write('building the command line (dist/bin)…\n');
  await buildCli({ root });
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildCli({ production: process.argv.includes('--production') });
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.map') && info.entryPoint) console.log(`built ${file} (${(info.bytes / 1024).toFixed(1)} KiB)`);
  }
}

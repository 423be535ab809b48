// `npm run bench`: every benchmark, each printing its figures and its ratio against a baseline
// measured in the same run. Figures are for reading, not pass/fail thresholds.
//   node scripts/bench.mjs [foundation] [name-of-bench-file ...] [-- options for those bench files]
// e.g. the fleet alone at one concurrency, with the admin's CPU profile:
//   npm run bench -- fleet -- --concurrency 8 --cpu-profile fleet.cpuprofile
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installExtension } from './lib/code-server.mjs';
import { ensureHost, ROOT } from './lib/host.mjs';
import { runInVsCode } from './lib/run-in-vscode.mjs';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const only = split < 0 ? argv : argv.slice(0, split);
const passed = split < 0 ? [] : argv.slice(split + 1);
const want = (name) => only.length === 0 || only.includes(name);
const sh = (args) => spawnSync(args[0], args.slice(1), { cwd: ROOT, stdio: 'inherit' }).status ?? 1;
const kib = (file) => `${(fs.statSync(file).size / 1024).toFixed(1)} KiB`;
let failures = 0;

if (want('foundation')) {
  console.log('\n=== bench: foundation (bundle sizes, activation) ===');
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  if (sh(['npm', 'run', '--silent', 'package'])) process.exit(1);
  console.log(`BENCH size extension bundle=${kib(path.join(ROOT, 'dist', 'extension.js'))} webview bundle=${kib(path.join(ROOT, 'dist', 'webview.js'))} vsix=${kib(vsix)}`);
  if (sh([process.execPath, 'scripts/build.mjs', '--tests'])) process.exit(1);
  // Measure the packaged (minified) bundle: put it back after the dev build for the tests.
  fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  if (sh([process.execPath, 'scripts/build.mjs', '--production'])) process.exit(1);
  const layout = ensureHost();
  const code = await runInVsCode({
    layout,
    workspace: path.join(ROOT, 'test', 'fixtures', 'workspace'),
    prepare: async (dirs) => { await installExtension({ layout, vsix, dirs }); },
    extensionDevelopmentPath: path.join(ROOT, 'test', 'fixtures', 'baseline-extension'),
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'bench', 'index.js'),
  });
  if (code !== 0) failures++;
}

for (const file of fs.readdirSync(path.join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (!want(file.replace(/\.bench\.ts$/, ''))) continue;
  console.log(`\n=== bench: ${file} ===`);
  if (sh([path.join(ROOT, 'node_modules', '.bin', 'tsx'), path.join('bench', file), ...passed])) failures++;
}
process.exit(failures ? 1 : 0);

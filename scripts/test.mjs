// `npm test`: every test layer in order, each timed; a failing layer fails the run.
//   node scripts/test.mjs [static|unit|integration|ui|package|packaged|quickstart ...]   (default: all)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureHost, ROOT } from './lib/host.mjs';
import { runInVsCode } from './lib/run-in-vscode.mjs';
import { ensureSystemPackages, TEST_PACKAGES } from './lib/system.mjs';
import { installExtension } from './lib/code-server.mjs';

const ALL = ['static', 'unit', 'integration', 'ui', 'package', 'packaged', 'quickstart'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const unknown = wanted.filter((l) => !ALL.includes(l));
if (unknown.length) { console.error(`unknown test layer(s): ${unknown.join(', ')}; known: ${ALL.join(', ')}`); process.exit(2); }

// The install record (src/core/config/installRecord.ts) goes to a folder of this run, inherited by
// every layer's processes and test sshd sessions, never to the machine's own /etc/backup-agent
// (the tests run as root); the unit layer keeps one per process (test/support/recordDir.ts).
const recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'install-record-'));
process.env.BACKUP_AGENT_RECORD_DIR = recordDir;
process.on('exit', () => fs.rmSync(recordDir, { recursive: true, force: true }));

const unmet = ensureSystemPackages(TEST_PACKAGES, { say: (m) => console.log(`[test] ${m}`) });
if (unmet) { for (const m of unmet) console.error(m); process.exit(1); }

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
const workspace = path.join(ROOT, 'test', 'fixtures', 'workspace');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

function sh(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

let layout;
const host = () => (layout ??= ensureHost());
const built = { dev: false };
function buildDev() {
  if (built.dev) return 0;
  built.dev = true;
  return sh(process.execPath, ['scripts/build.mjs', '--tests']);
}

const layers = {
  // Node code and the setup page's browser code are type-checked apart (no DOM in one, no Node in the other).
  static: () => sh(bin('tsc'), ['--noEmit', '-p', '.']) || sh(bin('tsc'), ['--noEmit', '-p', 'src/webview'])
    || sh(process.execPath, ['scripts/check-cycles.mjs']) || sh(bin('eslint'), ['.']),
  unit: () => sh('npm', ['run', '--silent', 'test:unit']),
  integration: async () => buildDev() || runInVsCode({
    layout: host(), workspace,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
    // One file alone: TEST_FILES=azure,vaultView node scripts/test.mjs integration
    ...(process.env.TEST_FILES ? { env: { TEST_FILES: process.env.TEST_FILES } } : {}),
  }),
  ui: async () => {
    if (buildDev()) return 1;
    const { handleUiRequest } = await import('../test/ui/driver.mjs');
    const uiRun = (index, options = {}) => runInVsCode({
      layout: host(), workspace,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'ui', index),
      ui: handleUiRequest,
      ...options,
    });
    // Then the setup page again in a Spanish host: --locale es with a test-only language pack.
    return (await uiRun('index.js')) || uiRun('setupPage.es-index.js', {
      locale: 'es',
      extraExtensions: [path.join(ROOT, 'test', 'fixtures', 'spanish-language-pack')],
    });
  },
  // Build the production .vsix, then list its files: only what runs may be inside.
  package: () => sh('npm', ['run', '--silent', 'package']) || sh(bin('mocha'), ['--spec', 'test/package/*.test.ts'], { VSIX: vsix }),
  // The .vsix as a user gets it: installed with --install-extension, then activated.
  packaged: async () => {
    if (!fs.existsSync(vsix) && sh('npm', ['run', '--silent', 'package'])) return 1;
    if (buildDev()) return 1;
    return runInVsCode({
      layout: host(), workspace,
      prepare: async (dirs) => console.log(await installExtension({ layout: host(), vsix, dirs })),
      extensionDevelopmentPath: path.join(ROOT, 'test', 'fixtures', 'packaged-harness'),
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'packaged', 'index.js'),
    });
  },
  // The README's quick start in a fresh copy of the checkout, as a new user runs it.
  quickstart: () => sh(bin('mocha'), ['--no-config', '--exit', '--reporter', 'spec', 'test/quickstart/*.test.mjs']),
};

const timings = [];
let failed;
for (const name of wanted) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const code = await layers[name]();
  timings.push({ name, seconds: (Date.now() - started) / 1000, code });
  if (code !== 0) { failed = name; break; }
}
console.log('\nlayer        wall time   result');
for (const t of timings) console.log(`${t.name.padEnd(12)} ${t.seconds.toFixed(1).padStart(7)} s   ${t.code === 0 ? 'passed' : `FAILED (exit ${t.code})`}`);
if (failed) { console.error(`\nthe ${failed} layer failed`); process.exit(1); }

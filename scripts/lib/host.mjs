// The pinned test host: code-server (VS Code 1.139.1) running on its own Node 24, installed once
// into the git-ignored .cache/test-host from scripts/test-host/{package.json,package-lock.json},
// so the project's own scripts keep the machine's Node.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CACHE_DIR = path.join(ROOT, '.cache');
const PIN_DIR = path.join(ROOT, 'scripts', 'test-host');
const HOST_DIR = path.join(CACHE_DIR, 'test-host');
const STAMP = path.join(HOST_DIR, '.installed');

/** Where code-server and its Node live, or why this platform cannot run them. */
export function hostLayout() {
  const nodeDir = path.join(HOST_DIR, 'node_modules', `node-${process.platform}-${process.arch}`);
  return {
    hostDir: HOST_DIR,
    codeServerDir: path.join(HOST_DIR, 'node_modules', 'code-server'),
    nodeDir,
    node: process.env.CODE_SERVER_NODE || path.join(nodeDir, 'bin', 'node'),
  };
}

/** Explains, in one line, why the pinned host cannot run here (or returns undefined). */
export function unsupportedPlatform() {
  if (process.platform === 'win32') {
    return 'code-server does not run natively on Windows: run npm start inside WSL (Linux), or install the .vsix into desktop VS Code (npm run package).';
  }
  if (process.platform === 'darwin' && !process.env.CODE_SERVER_NODE) {
    return 'On macOS the npm registry has no Node 24 package for this host: install Node 24 and set CODE_SERVER_NODE=/path/to/node24, then run npm start again.';
  }
  if (process.platform === 'linux' && !['x64', 'arm64'].includes(process.arch)) {
    return `Linux on ${process.arch} is not supported by the pinned host (x64 and arm64 are).`;
  }
  return undefined;
}

function pinHash() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) h.update(fs.readFileSync(path.join(PIN_DIR, f)));
  return h.digest('hex');
}

function run(cmd, args, env, log) {
  const r = spawnSync(cmd, args, { cwd: HOST_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  fs.appendFileSync(log, `$ ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}\n`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}); see ${log}`);
}

/** npm's own entry script, to run it on a chosen Node. */
function npmCli() {
  if (process.env.npm_execpath) return process.env.npm_execpath;
  const npmBin = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8' }).stdout.split(/\r?\n/)[0];
  return path.join(path.dirname(fs.realpathSync(npmBin)), 'npm-cli.js');
}

/** Installs the host when it is missing or its pins changed. Returns the layout. */
export function ensureHost({ say = console.log } = {}) {
  const why = unsupportedPlatform();
  if (why) throw new Error(why);
  const layout = hostLayout();
  const hash = pinHash();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash && fs.existsSync(layout.node)) return layout;

  say('installing the test host (code-server 4.139.1 on Node 24) into .cache/test-host; once only, about 2 minutes');
  const started = Date.now();
  fs.rmSync(HOST_DIR, { recursive: true, force: true });
  fs.mkdirSync(HOST_DIR, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(PIN_DIR, f), path.join(HOST_DIR, f));
  const log = path.join(HOST_DIR, 'install.log');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], process.env, log);
  // Native modules (argon2, and VS Code's own server modules fetched by code-server's postinstall)
  // must be compiled for Node 24's ABI and headers, not the machine's Node. npm itself runs on
  // Node 24 here, and without the npm_* variables of a parent `npm test`: npm reads them as its
  // own config, and code-server's postinstall checks the Node version in npm_config_user_agent.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
  const env = { ...inherited, PATH: `${path.join(layout.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: layout.nodeDir };
  run(layout.node, [npmCli(), 'rebuild', 'code-server', 'argon2'], env, log);
  fs.writeFileSync(STAMP, hash);
  say(`test host installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return layout;
}

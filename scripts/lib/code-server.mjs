// Starts and stops code-server for the tests and for `npm start`. code-server runs detached in
// its own process group so that stopping it also stops its extension hosts and watchers.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { sleep } from './net.mjs';

/** A quiet, deterministic workbench: no welcome page, no gallery, no update chatter. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

async function waitForHealth(url, ms, proc) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null || proc.signalCode !== null) return false;
    const ok = await new Promise((resolve) => {
      const req = http.get(url, (r) => { r.resume(); resolve(r.statusCode < 500); });
      req.on('error', () => resolve(false));
      req.setTimeout(2000, () => { req.destroy(); resolve(false); });
    });
    if (ok) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Runs code-server on 127.0.0.1:port. `dirs` holds userData, extensions and a scratch folder.
 * Resolves once /healthz answers; rejects with the log's tail when it exits or never answers.
 */
export async function startCodeServer({ layout, port, dirs, workspace, smokeTestDriver = false, env = {}, settings = {}, locale, onOutput }) {
  for (const d of [dirs.userData, dirs.extensions, dirs.scratch]) fs.mkdirSync(d, { recursive: true });
  const userSettings = path.join(dirs.userData, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(userSettings), { recursive: true });
  if (!fs.existsSync(userSettings)) fs.writeFileSync(userSettings, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  const config = path.join(dirs.scratch, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');

  const authority = `127.0.0.1:${port}`;
  const args = [
    path.join(layout.codeServerDir, 'out', 'node', 'entry.js'),
    '--auth', 'none',
    '--bind-addr', authority,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    '--config', config, // else ~/.config/code-server/config.yaml is read or created
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    // Without it the built workbench ignores the payload's extensionDevelopmentPath/extensionTestsPath.
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    // The display language; it applies only with a language pack for it (see registerLanguagePacks).
    ...(locale ? ['--locale', locale] : []),
    ...(workspace ? [workspace] : []),
  ];
  const logFile = path.join(dirs.scratch, 'code-server.log');
  const log = fs.createWriteStream(logFile);
  const inherited = { ...process.env };
  delete inherited.PORT; // code-server would listen on $PORT instead of --bind-addr
  const proc = spawn(layout.node, args, {
    cwd: dirs.scratch,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      NODE_OPTIONS: '',
      EXTENSIONS_GALLERY: '{}', // no marketplace: nothing to reach from here
      XDG_RUNTIME_DIR: dirs.scratch,
      XDG_DATA_HOME: path.join(dirs.scratch, 'xdg-data'),
      ...env,
    },
  });
  for (const s of [proc.stdout, proc.stderr]) s.on('data', (d) => { log.write(d); onOutput?.(String(d)); });

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
      if ((await Promise.race([gone.then(() => 'exited'), sleep(5000)])) !== 'exited') {
        try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
        await Promise.race([gone, sleep(2000)]);
      }
    }
    log.end();
  };
  // Last resort when the parent dies another way: never leave code-server behind.
  process.once('exit', () => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } });

  const url = `http://${authority}`;
  if (!(await waitForHealth(`${url}/healthz`, 60000, proc))) {
    await stop();
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`code-server did not start on ${authority} (exit ${proc.exitCode ?? proc.signalCode}). Its log (${logFile}):\n${tail}`);
  }
  return { url, authority, proc, logFile, stop };
}

/** `code-server --install-extension file.vsix` into an extensions folder. */
export async function installExtension({ layout, vsix, dirs }) {
  for (const d of [dirs.extensions, dirs.scratch]) fs.mkdirSync(d, { recursive: true });
  const config = path.join(dirs.scratch, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');
  const args = [path.join(layout.codeServerDir, 'out', 'node', 'entry.js'), '--config', config, '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'];
  const proc = spawn(layout.node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', EXTENSIONS_GALLERY: '{}' } });
  let out = '';
  for (const s of [proc.stdout, proc.stderr]) s.on('data', (d) => { out += d; });
  const code = await new Promise((r) => proc.on('exit', r));
  if (code !== 0 || !/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed (exit ${code}):\n${out}`);
  return out.trim();
}

/** Packs an extension folder (a test fixture) into a .vsix in `outDir` with vsce. */
export async function packageExtension({ folder, outDir }) {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
  const vsix = path.join(outDir, `${manifest.name}-${manifest.version}.vsix`);
  const vsce = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'vsce');
  const proc = spawn(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  for (const s of [proc.stdout, proc.stderr]) s.on('data', (d) => { out += d; });
  const code = await new Promise((r) => proc.on('exit', r));
  if (code !== 0) throw new Error(`packaging ${folder} failed (exit ${code}):\n${out}`);
  return vsix;
}

/**
 * Writes the server's language-pack cache (user-data/languagepacks.json) for the installed
 * extensions that contribute localizations, as VS Code's LanguagePacksCache does when it installs
 * one itself. `--install-extension` from the command line does not, and without the cache
 * `--locale` falls back to English (vscode.env.language stays "en").
 */
export function registerLanguagePacks(dirs) {
  const packs = {};
  for (const entry of fs.readdirSync(dirs.extensions, { withFileTypes: true })) {
    const manifestFile = path.join(dirs.extensions, entry.name, 'package.json');
    if (!entry.isDirectory() || !fs.existsSync(manifestFile)) continue;
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
    for (const loc of manifest.contributes?.localizations ?? []) {
      const pack = (packs[loc.languageId.toLowerCase()] ??= { hash: '', extensions: [], translations: {}, label: loc.localizedLanguageName ?? loc.languageName });
      pack.extensions.push({ extensionIdentifier: { id }, version: manifest.version });
      for (const t of loc.translations) pack.translations[t.id] = path.join(dirs.extensions, entry.name, t.path);
    }
  }
  for (const pack of Object.values(packs)) {
    pack.hash = createHash('md5').update(pack.extensions.map((e) => `${e.extensionIdentifier.id}@${e.version}`).join()).digest('hex');
  }
  fs.mkdirSync(dirs.userData, { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'languagepacks.json'), JSON.stringify(packs, null, 2));
  return Object.keys(packs);
}

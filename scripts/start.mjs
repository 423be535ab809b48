// `npm start`: builds and packages the extension, installs the test host when it is missing,
// installs the .vsix into a persistent profile under .cache/start, starts the local vault (data in
// .cache/start/vault) with a demo vault and a fresh credentials file in .cache/start/workspace,
// makes the extension trust the vault's CA (user setting backupAgent.vault.caFile), and serves
// VS Code (code-server) on 127.0.0.1:$PORT (or a free port) with that workspace open.
// Ctrl+C stops everything it started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installExtension, QUIET_SETTINGS, startCodeServer } from './lib/code-server.mjs';
import { ensureHost, CACHE_DIR, ROOT, unsupportedPlatform } from './lib/host.mjs';
import { freePort } from './lib/net.mjs';
import { ensureSystemPackages, START_PACKAGES } from './lib/system.mjs';
import { issueDemoCredentials, startLocalVault } from './lib/start-vault.mjs';

const say = (m) => console.log(`[start] ${m}`);
const fail = (m) => { console.error(`[start] ${m}`); process.exit(1); };

const unsupported = unsupportedPlatform();
if (unsupported) fail(unsupported);
const unmet = ensureSystemPackages(START_PACKAGES, { say }); // your own browser opens the URL
if (unmet) fail(unmet.join('\n'));

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
if (spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) fail('building the .vsix failed');
say(`built ${path.basename(vsix)}`);

const layout = ensureHost({ say });
const home = path.join(CACHE_DIR, 'start');
const dirs = { userData: path.join(home, 'user-data'), extensions: path.join(home, 'extensions'), scratch: path.join(home, 'run') };
await installExtension({ layout, vsix, dirs });

let vault;
try {
  vault = await startLocalVault({ dataDir: path.join(home, 'vault'), port: await freePort(0), logFile: path.join(home, 'vault.log') });
} catch (err) {
  fail(err.message);
}
const workspace = path.join(home, 'workspace');
const demo = issueDemoCredentials({ dataDir: path.join(home, 'vault'), outDir: workspace });
say(`local vault ${demo.vaultName} serves ${vault.url}; credentials file ${path.relative(ROOT, demo.file)} (valid until ${demo.notAfter})`);
writeStartSettings(path.join(dirs.userData, 'User', 'settings.json'), {
  'backupAgent.vault.caFile': vault.caFile,
  // The demo installs the agent here rather than into the platform's folder.
  'backupAgent.installFolder': path.join(home, 'agent'),
});

const wanted = Number(process.env.PORT || 0);
const port = await freePort(wanted);
if (wanted && port !== wanted) say(`port ${wanted} is in use; using ${port} instead`);

let server;
try {
  server = await startCodeServer({ layout, port, dirs, workspace, settings: { 'workbench.startupEditor': 'none' } });
} catch (err) {
  await vault.stop();
  fail(err.message);
}

const onExit = async (code, signal) => {
  await vault.stop();
  fail(`code-server exited (${code ?? signal}); its log: ${server.logFile}`);
};
const stop = async (signal) => {
  say(`${signal}: stopping`);
  server.proc.off('exit', onExit);
  await server.stop();
  await vault.stop();
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.proc.on('exit', onExit);

say(`VS Code with Backup Agent Setup is ready. Open ${server.url}/ in your browser, then:`);
say('  F1 → "Backup Agent: Set Up Backup Agent…" → Enter on the suggested credentials file and');
say('  through the steps → "Register This Server". The status bar then shows the vault\'s name.');
say('Press Ctrl+C to stop VS Code and the local vault.');

/** Merges `values` into the start profile's user settings (trust the local vault's CA…). */
function writeStartSettings(settingsFile, values) {
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  let settings = { ...QUIET_SETTINGS, 'workbench.startupEditor': 'none' };
  if (fs.existsSync(settingsFile)) {
    try {
      settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    } catch {
      say(`could not read ${settingsFile} as JSON; add ${JSON.stringify(values)} there yourself`);
      return;
    }
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, ...values }, null, 2));
}

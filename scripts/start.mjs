// `npm start`: installs the Debian packages it needs when missing, builds and packages the
// extension, installs the test host when it is missing, installs the .vsix into a persistent
// profile under .cache/start, starts the local vault (data in .cache/start/vault, on the same port
// as last time when it is free) with a demo vault and a fresh credentials file in
// .cache/start/workspace, writes the settings the demo needs where their scope is read (the vault's
// CA, trusted for its endpoint, the install folder and the ARM emulator as the Resource Manager endpoint are
// machine-scoped: Machine/settings.json), and serves VS Code
// (code-server) on 127.0.0.1:$PORT (or a free port) with that workspace open.
// Ctrl+C stops everything it started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installExtension, QUIET_SETTINGS, startCodeServer } from './lib/code-server.mjs';
import { readSetting, writeSettings } from './lib/settings.mjs';
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

const vaultPortFile = path.join(home, 'vault.port');
const lastVaultPort = fs.existsSync(vaultPortFile) ? Number(fs.readFileSync(vaultPortFile, 'utf8')) : 0;
// The same port as last time: a registration made then names this endpoint.
const vaultPort = await freePort(lastVaultPort);
if (lastVaultPort && vaultPort !== lastVaultPort) say(`the local vault's port ${lastVaultPort} is in use; using ${vaultPort}: a registration made before reaches the vault no more`);
let vault;
try {
  vault = await startLocalVault({ dataDir: path.join(home, 'vault'), port: vaultPort, logFile: path.join(home, 'vault.log') });
} catch (err) {
  fail(err.message);
}
fs.writeFileSync(vaultPortFile, String(vaultPort));
const workspace = path.join(home, 'workspace');
const demo = issueDemoCredentials({ dataDir: path.join(home, 'vault'), outDir: workspace });
say(`local vault ${demo.vaultName} serves ${vault.url}; credentials file ${path.relative(ROOT, demo.file)} (valid until ${demo.notAfter})`);
const TRUSTED = 'backupAgent.vault.trustedCertificates';
const firstRun = !fs.existsSync(path.join(dirs.userData, 'User', 'settings.json'));
const unreadable = writeSettings(dirs.userData, {
  // A quiet workbench, and no Restricted Mode: this profile only ever opens the folder made here.
  ...(firstRun ? { ...QUIET_SETTINGS, 'security.workspace.trust.enabled': false } : {}),
  // The vault's CA for its own endpoint only; an entry of an earlier port for this CA goes.
  'backupAgent.vault.trustedCertificates': {
    ...Object.fromEntries(Object.entries(readSetting(dirs.userData, TRUSTED, manifest) ?? {}).filter(([, file]) => file !== vault.caFile)),
    [new URL(vault.url).host]: vault.caFile,
  },
  // The demo installs the agent here rather than into the platform's folder.
  'backupAgent.installFolder': path.join(home, 'agent'),
  // "Get Vault Credentials from Azure…" talks to the local vault's ARM emulator: offline, with its own token.
  'backupAgent.azure.resourceManagerEndpoint': vault.url,
}, manifest);
for (const u of unreadable) say(`could not read ${u.file} as JSON; add ${JSON.stringify(u.values)} there yourself`);

const wanted = Number(process.env.PORT || 0);
const port = await freePort(wanted);
if (wanted && port !== wanted) say(`port ${wanted} is in use; using ${port} instead`);

let server;
try {
  // The demo's install record stays with its agent too, leaving the system's place (/etc/backup-agent as root) alone.
  server = await startCodeServer({ layout, port, dirs, workspace, env: { BACKUP_AGENT_RECORD_DIR: path.join(home, 'record') } });
} catch (err) {
  await vault.stop();
  fail(err.message);
}

const onExit = async (code, signal) => {
  await vault.stop();
  fail(`code-server exited (${code ?? signal}); its log: ${server.logFile}`);
};
let stopping;
const stop = (signal) => (stopping ??= (async () => {
  say(`${signal}: stopping`);
  server.proc.off('exit', onExit);
  await Promise.all([server.stop(), vault.stop()]);
  process.exit(0);
})());
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.proc.on('exit', onExit);

say(`VS Code with Backup Agent Setup is ready. Open ${server.url}/ in your browser, then:`);
say('  F1 → "Backup Agent: Set Up Backup Agent…" → Enter on the suggested credentials file and');
say('  through the steps → "Register This Server". The status bar then shows the vault\'s name.');
say(`"Get Vault Credentials from Azure…" talks to the local vault's ARM emulator: subscription ${demo.subscriptionId}; paste the token this prints:`);
say(`  npm run vault -- arm-token --data ${path.relative(ROOT, path.join(home, 'vault'))}`);
say('Press Ctrl+C to stop VS Code and the local vault.');

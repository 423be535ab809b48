// `npm start`: builds and packages the extension, installs the test host when it is missing,
// installs the .vsix into a persistent profile under .cache/start, and serves VS Code (code-server)
// on 127.0.0.1:$PORT (or a free port). Ctrl+C stops everything it started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installExtension, startCodeServer } from './lib/code-server.mjs';
import { ensureHost, CACHE_DIR, ROOT, unsupportedPlatform } from './lib/host.mjs';
import { freePort } from './lib/net.mjs';
import { missingSystemPackages } from './lib/system.mjs';

const say = (m) => console.log(`[start] ${m}`);
const fail = (m) => { console.error(`[start] ${m}`); process.exit(1); };

const unsupported = unsupportedPlatform();
if (unsupported) fail(unsupported);
const missing = missingSystemPackages().filter((m) => !m.includes('chromium')); // your own browser opens the URL
if (missing.length) fail(missing.join('\n'));

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
if (spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) fail('building the .vsix failed');
say(`built ${path.basename(vsix)}`);

const layout = ensureHost({ say });
const home = path.join(CACHE_DIR, 'start');
const dirs = { userData: path.join(home, 'user-data'), extensions: path.join(home, 'extensions'), scratch: path.join(home, 'run') };
await installExtension({ layout, vsix, dirs });

const wanted = Number(process.env.PORT || 0);
const port = await freePort(wanted);
if (wanted && port !== wanted) say(`port ${wanted} is in use; using ${port} instead`);

let server;
try {
  server = await startCodeServer({ layout, port, dirs, settings: { 'workbench.startupEditor': 'none' } });
} catch (err) {
  fail(err.message);
}

const onExit = (code, signal) => fail(`code-server exited (${code ?? signal}); its log: ${server.logFile}`);
const stop = async (signal) => {
  say(`${signal}: stopping`);
  server.proc.off('exit', onExit);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.proc.on('exit', onExit);

say(`VS Code with Backup Agent Setup is ready. Open ${server.url}/ in your browser.`);
say('Press Ctrl+C to stop.');

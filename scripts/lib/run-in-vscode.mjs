// Runs a mocha suite inside the real remote extension host of code-server, driven by Debian's
// Chromium through playwright-core. The workbench calls codeAutomationLog for the extension
// host's output and codeAutomationExit with the suite's result. With `ui`, a loopback bridge
// lets tests in the extension host ask Playwright to act on the page (palette, webview, screenshots).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { installExtension, packageExtension, registerLanguagePacks, startCodeServer } from './code-server.mjs';
import { freePort } from './net.mjs';

const require = createRequire(import.meta.url);
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// codeAutomationLog also carries workbench chatter; keep the extension host's (the suite's) lines.
const NOISE = [
  /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^\[(reconnection-grace-time|AgentHost|AccountPolicyGate|Service Worker|AgentSessions?|Chat)/,
  /^Updating additional builtin extensions cache/, /^Ignoring fetching additional builtin extensions/, /getaddrinfo|ENOTFOUND|ECONNREFUSED|ERR_NAME_NOT_RESOLVED/,
  /^\[Extension Host\] /, /^Started local extension host/, /^Extension host .*(started|exited)/i,
  /^No extension gallery service configured/, // a language pack makes the workbench look for its gallery entry
];

export async function launchChromium(tmp) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, TMPDIR: tmp, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache') },
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, // our cleanup owns the signals
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-breakpad'],
  });
}

/**
 * @param {object} o
 * @param {object} o.layout            from ensureHost()
 * @param {string} o.extensionDevelopmentPath
 * @param {string} o.extensionTestsPath  module exporting run()
 * @param {string} o.workspace
 * @param {Record<string,string>} [o.env]  becomes the extension host's process.env additions
 * @param {(page, req) => Promise<object>} [o.ui]  handles bridge requests when set
 * @param {(dirs) => Promise<void>} [o.prepare]   runs before code-server starts (e.g. install a .vsix)
 * @param {string} [o.locale]         display language for code-server (--locale) and the browser
 * @param {string[]} [o.extraExtensions]  extension folders (test fixtures) packed and installed first;
 *                                    language packs among them are registered for --locale
 * @param {number} [o.timeoutMs]      watchdog (TEST_WATCHDOG_MS overrides it)
 * @returns {Promise<number>} the suite's exit code (124 when the watchdog fired)
 */
export async function runInVsCode(o) {
  const t0 = Date.now();
  const say = (...a) => console.log(`[host +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bas-host-'));
  const dirs = { userData: path.join(tmp, 'user-data'), extensions: path.join(tmp, 'extensions'), scratch: path.join(tmp, 'scratch') };
  let server;
  let browser;
  let bridge;
  let watchdog;
  const cleanup = async () => {
    clearTimeout(watchdog);
    bridge?.closeAllConnections?.();
    bridge?.close();
    await browser?.close().catch(() => {});
    await server?.stop();
    if (process.env.KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else say(`kept ${tmp}`);
  };
  const onSignal = () => { cleanup().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await o.prepare?.(dirs);
    for (const folder of o.extraExtensions ?? []) {
      const vsix = await packageExtension({ folder, outDir: tmp });
      await installExtension({ layout: o.layout, vsix, dirs });
    }
    if (o.extraExtensions?.length) say(`language packs: ${registerLanguagePacks(dirs).join(', ') || 'none'}`);
    const port = await freePort();
    server = await startCodeServer({ layout: o.layout, port, dirs, workspace: o.workspace, smokeTestDriver: true, settings: o.settings, locale: o.locale });
    say(`code-server on ${server.url}`);
    browser = await launchChromium(tmp);
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: o.locale })).newPage();
    page.on('pageerror', (e) => console.log(`[browser:pageerror] ${e.message}`));

    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    page.on('crash', () => resolveExit(4));
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      const text = Array.isArray(args) ? util.format(...args) : String(args);
      if (process.env.VERBOSE !== '1' && NOISE.some((r) => r.test(text))) return;
      (level === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : `${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));

    // Suites that check what VS Code stored (settings, globalState, logs) read it from here.
    const env = { BAS_USER_DATA_DIR: dirs.userData, ...o.env };
    if (o.ui) {
      let queue = Promise.resolve(); // one UI action at a time
      bridge = http.createServer((req, res) => {
        let body = '';
        req.on('data', (d) => { body += d; });
        req.on('end', () => {
          queue = queue.then(async () => {
            try {
              const result = await o.ui(page, JSON.parse(body || '{}'));
              res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? {}));
            } catch (e) {
              res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e?.message || e) }));
            }
          });
        });
      });
      await new Promise((r) => bridge.listen(0, '127.0.0.1', r));
      env.BAS_UI_BRIDGE = `http://127.0.0.1:${bridge.address().port}`;
    }

    const remote = (p) => `vscode-remote://${server.authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(o.extensionTestsPath)],
      ['extensionEnvironment', JSON.stringify(env)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timeoutMs = Number(process.env.TEST_WATCHDOG_MS) || o.timeoutMs || 600000;
    const timedOut = new Promise((r) => { watchdog = setTimeout(() => r(124), timeoutMs); });
    // A fresh code-server's first page took 27 s in one run on a loaded 2-core machine: Playwright's 30 s default is too close.
    const resp = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    if (!resp?.ok()) throw new Error(`workbench answered HTTP ${resp?.status()}; see ${server.logFile} (KEEP_TMP=1)`);
    const code = await Promise.race([exited, timedOut]);
    if (code === 124) console.error(`watchdog: no result after ${timeoutMs} ms; the suite hung`);
    say(`suite exit code ${code}`);
    return code;
  } catch (err) {
    console.error(err?.message || err);
    if (server?.logFile && fs.existsSync(server.logFile)) console.error(fs.readFileSync(server.logFile, 'utf8').split('\n').slice(-30).join('\n'));
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

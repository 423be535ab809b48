// The README's quick start, run as a new user runs it: a fresh copy of the checkout (the files
// git tracks, with their uncommitted changes, no build output or cache), the README's own
// commands (`npm install && npm start`, its script, its profile, its printed URL; only the port is
// chosen here), then the numbered steps in Chromium by keyboard and DOM alone, reading the labels
// from README.md. Ctrl+C (SIGINT to the command's process group, as a terminal sends it) must
// leave no process behind and close the ports within 10 s. A second `npm start` finds the server
// registered, as the README says.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../../scripts/lib/run-in-vscode.mjs';
import { freePort, sleep } from '../../scripts/lib/net.mjs';
import { readQuickStart } from './readme.mjs';
import { answerDialog, followSteps, reloadWindow, runCommandByKeyboard, statusBarTexts } from './workbench.mjs';
import { fromAzureThenRegister, product, vaultViewShows } from './fromAzure.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { commands, steps, laterCommand } = readQuickStart(path.join(ROOT, 'README.md'));
const STOP_WITHIN_MS = 10_000;
/** The platform's default install folder, which the demo must never touch. */
const SYSTEM_INSTALL_FOLDER = '/opt/backup-agent';

/** The files git tracks, as they are in the work tree, plus untracked files not ignored. */
function freshCopy(into) {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from)) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(into, f)), { recursive: true });
    fs.copyFileSync(from, path.join(into, f));
    fs.chmodSync(path.join(into, f), fs.statSync(from).mode & 0o777);
  }
  return files.length;
}

/** The processes whose environment carries `mark`: everything a run started, however reparented. */
function processesMarked(mark) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(mark)) {
        found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`);
      }
    } catch { /* gone meanwhile, or not ours to read */ }
  }
  return found;
}

const portOpen = (port) => new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

/** What the system install folder holds, to prove a run left it alone. */
function snapshotTree(dir) {
  if (!fs.existsSync(dir)) return 'absent';
  return execFileSync('find', [dir, '-printf', '%p %s %T@\\n'], { encoding: 'utf8' });
}

/**
 * Runs one README command line in a shell of its own process group, as a terminal does, with a
 * marker in its environment. Resolves once it prints the URL to open.
 */
async function startCommand(cwd, commandLine, port, log) {
  const mark = `BAS_QUICKSTART_RUN=${randomUUID()}`;
  const [key, value] = mark.split('=');
  const proc = spawn('sh', ['-c', commandLine], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port), [key]: value } });
  let output = '';
  const append = (d) => { output += d; fs.appendFileSync(log, d); };
  proc.stdout.on('data', append);
  proc.stderr.on('data', append);
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  const url = await Promise.race([
    (async () => {
      for (;;) {
        const m = /Open (http:\/\/127\.0\.0\.1:\d+)\/? in your browser/.exec(output);
        if (m) return m[1];
        await sleep(200);
      }
    })(),
    exited.then(({ code, signal }) => { throw new Error(`"${commandLine}" exited (${code ?? signal}) before printing a URL:\n${output.slice(-4000)}`); }),
  ]);
  const vault = /local vault (\S+) serves https:\/\/127\.0\.0\.1:(\d+)/.exec(output);
  assert.ok(vault, `npm start names its vault and port:\n${output}`);
  return { proc, mark, exited, url, vaultName: vault[1], vaultPort: Number(vault[2]), output: () => output };
}

/** Ctrl+C: SIGINT to the whole foreground process group. */
async function interrupt(run, ports) {
  const before = processesMarked(run.mark);
  assert.ok(before.length >= 3, `the run's processes are found by their marker (npm, the vault, code-server…): ${before.join('\n')}`);
  process.kill(-run.proc.pid, 'SIGINT');
  const end = Date.now() + STOP_WITHIN_MS;
  let left = before;
  let open = ports;
  while (Date.now() < end) {
    left = processesMarked(run.mark);
    open = (await Promise.all(ports.map(async (p) => ((await portOpen(p)) ? p : undefined)))).filter(Boolean);
    if (!left.length && !open.length) return;
    await sleep(200);
  }
  for (const line of left) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
  assert.fail(`${STOP_WITHIN_MS / 1000} s after Ctrl+C: processes left ${JSON.stringify(left)}, ports open ${JSON.stringify(open)}`);
}

describe('the README quick start, as a new user runs it', function () {
  this.timeout(20 * 60_000); // the first run installs the VS Code host: a few minutes
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bas-quickstart-'));
  const checkout = path.join(tmp, 'checkout');
  const log = path.join(tmp, 'npm-start.log');
  const agentConfig = path.join(checkout, '.cache', 'start', 'agent', 'config', 'agent.json');
  let systemFolderBefore;
  let browser;
  let run;

  before(async () => {
    assert.deepEqual(commands, ['npm install && npm start', 'npm test'], 'the README\'s two commands');
    console.log(`      fresh copy of ${freshCopy(checkout)} files in ${checkout}; npm output in ${log}`);
    systemFolderBefore = snapshotTree(SYSTEM_INSTALL_FOLDER);
    browser = await launchChromium(tmp);
  });

  after(async () => {
    if (run && run.proc.exitCode === null) await interrupt(run, []).catch(() => {});
    await browser?.close().catch(() => {});
    if (process.env.KEEP_TMP === '1') console.log(`      kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function openWorkbench(url) {
    // A browser profile that has never run, with the clipboard a user's browser grants on a click.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: 'domcontentloaded', timeout: 120_000 }); // a first load on a busy machine is slow
    await page.locator('.monaco-workbench .statusbar').waitFor({ timeout: 120_000 });
    return page;
  }

  async function statusBarShows(page, text) {
    await page.locator('.statusbar-item', { hasText: text }).first().waitFor({ timeout: 120_000 });
  }

  /** The setup page's tab is open and the page in it has rendered the session (data-ready-at is set when it has). */
  async function setupPageReady(page) {
    await page.locator('.tab', { hasText: 'Backup Agent Setup' }).first().waitFor({ timeout: 60_000 });
    const pageFrame = page.locator('iframe.webview').first().contentFrame().locator('iframe#active-frame').contentFrame();
    await pageFrame.locator('body[data-ready-at]').waitFor({ timeout: 60_000 });
  }

  /** Steps 1 to 3 of the README, from the command palette to the registration. */
  async function followReadmeSteps(page) {
    const [command, ...labels] = steps.flatMap((s) => s.labels);
    assert.equal(command.length, 1, 'step 1 names one command');
    const first = await runCommandByKeyboard(page, command[0]);
    await followSteps(page, first, labels, (line) => console.log(`      · ${line}`));
  }

  it(`"${commands[0]}", then steps ${steps.map((s) => s.number).join(', ')} register this server into .cache/start/agent`, async () => {
    run = await startCommand(checkout, commands[0], await freePort(), log);
    const page = await openWorkbench(run.url);
    await statusBarShows(page, 'Backup:');
    assert.ok(!(await statusBarTexts(page)).some((t) => /Restricted Mode/i.test(t)), 'the start workspace is trusted: no Restricted Mode');

    await followReadmeSteps(page);
    await statusBarShows(page, `Backup: ${run.vaultName}`);

    const config = JSON.parse(fs.readFileSync(agentConfig, 'utf8'));
    assert.equal(config.vault?.name, run.vaultName, `the agent configuration under .cache/start/agent names the vault: ${JSON.stringify(config)}`);
    assert.ok(config.registration?.id, 'and holds the registration');
    assert.equal(config.installFolder, path.join(checkout, '.cache', 'start', 'agent'));
    assert.ok(config.cacheFolder.startsWith(path.join(checkout, '.cache', 'start', 'agent')), `the cache folder ${config.cacheFolder} is inside the checkout`);
    assert.equal(snapshotTree(SYSTEM_INSTALL_FOLDER), systemFolderBefore, `${SYSTEM_INSTALL_FOLDER} is left alone`);
    await page.context().close();
  });

  it('Ctrl+C stops every process npm start started (the vault and code-server included) and closes their ports within 10 s', async () => {
    assert.ok(run, 'npm start ran');
    await interrupt(run, [Number(new URL(run.url).port), run.vaultPort]);
  });

  it(`a later "npm start" shows this server registered; after "${laterCommand}" the steps register it again`, async () => {
    assert.ok(laterCommand, 'the README says what to run on a later npm start');
    const firstVaultPort = run.vaultPort;
    const firstRegistration = JSON.parse(fs.readFileSync(agentConfig, 'utf8')).registration;
    run = await startCommand(checkout, 'npm start', await freePort(), log);
    assert.equal(run.vaultPort, firstVaultPort, 'the vault keeps its port, which the registration names');
    const page = await openWorkbench(run.url);
    await statusBarShows(page, `Backup: ${run.vaultName}`);

    await runCommandByKeyboard(page, laterCommand, { opensQuickInput: false });
    await answerDialog(page, 'Unregister');
    await page.locator('.statusbar-item', { hasText: `Backup: ${run.vaultName}` }).waitFor({ state: 'detached', timeout: 60_000 });

    await followReadmeSteps(page);
    await statusBarShows(page, `Backup: ${run.vaultName}`);
    const config = JSON.parse(fs.readFileSync(agentConfig, 'utf8'));
    assert.ok(config.registration && Date.parse(config.registration.registeredAt) > Date.parse(firstRegistration.registeredAt), `registered again: ${JSON.stringify(config.registration)} after ${JSON.stringify(firstRegistration)}`);

    // The setup page survives a reload of the window (its panel serializer).
    await runCommandByKeyboard(page, 'Backup Agent: Open Setup Page', { opensQuickInput: false });
    await setupPageReady(page);
    await reloadWindow(page);
    await setupPageReady(page);
    await page.context().close();
  });

  it(`in that run, "${product.command('getCredentialsFromAzure')}" signs in with the printed token, picks the vault, confirms, registers, and the Servers view shows the vault's view; then Ctrl+C stops everything`, async () => {
    assert.ok(run && run.proc.exitCode === null, 'the later npm start still runs');
    const page = await openWorkbench(run.url);
    await statusBarShows(page, `Backup: ${run.vaultName}`);
    await runCommandByKeyboard(page, laterCommand, { opensQuickInput: false });
    await answerDialog(page, 'Unregister');
    await page.locator('.statusbar-item', { hasText: `Backup: ${run.vaultName}` }).waitFor({ state: 'detached', timeout: 60_000 });

    const { file, serverName } = await fromAzureThenRegister(page, { checkout, run, steps, log, trace: (line) => console.log(`      · ${line}`) });
    await statusBarShows(page, `Backup: ${run.vaultName}`);
    const config = JSON.parse(fs.readFileSync(agentConfig, 'utf8'));
    assert.equal(config.vault?.name, run.vaultName);
    assert.equal(config.serverName, serverName);
    // The file holds a private key: gone with its private folder once the server is registered.
    const end = Date.now() + 30_000;
    while (fs.existsSync(path.dirname(file)) && Date.now() < end) await sleep(200);
    assert.equal(fs.existsSync(path.dirname(file)), false, `${path.dirname(file)} removed after the registration`);

    await vaultViewShows(page, { run, checkout, serverName, trace: (line) => console.log(`      · ${line}`) });
    await page.context().close();
    await interrupt(run, [Number(new URL(run.url).port), run.vaultPort]);
  });
});

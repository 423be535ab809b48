// "Get Vault Credentials from Azure…" as an `npm start` user runs it (issue 13), against the local
// vault's ARM emulator that `npm start` configures: the token from the command it prints, pasted
// once; the subscription and vault picked by the names the portal shows; the modal that says a new
// file supersedes every earlier one; the README's setup steps with that file; then the Servers
// view's vault group with this server as the vault reports it. Keyboard and DOM only, in a
// user-run code-server (no extension-test mode, so VS Code shows every dialog). The labels come
// from the product's own strings (package.nls.json, the l10n bundle's English keys).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../../scripts/lib/net.mjs';
import { answerDialog, followSteps, pickByKeyboard, runCommandByKeyboard, sideBarTreeRows, waitForQuickInputStep } from './workbench.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.es.json'), 'utf8'));

/** The product's strings: a command's palette title, and a runtime string (an English key of the l10n bundle) with its {n} filled. */
export const product = {
  command: (key) => `${nls.category}: ${nls[`command.${key}`]}`,
  text(english, ...args) {
    assert.ok(Object.hasOwn(bundle, english), `the product no longer says "${english}" (l10n/bundle.l10n.es.json)`);
    return english.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));
  },
};

/** What `npm start` printed for the Azure sign-in: the subscription and the token command. */
function printedAzure(output) {
  const subscription = /subscription ([0-9a-f-]{36}); paste the token/.exec(output)?.[1];
  const tokenCommand = /^\[start\]\s+(npm run vault -- arm-token --data \S+)\s*$/m.exec(output)?.[1];
  assert.ok(subscription && tokenCommand, `npm start prints the subscription and the token command:\n${output}`);
  return { subscription, tokenCommand };
}

/** The demo vault as the vault's own CLI lists it (subscription, resource group, region). */
function listedVault(checkout, name) {
  const out = execFileSync('npm', ['run', '--silent', 'vault', '--', 'list', '--data', path.join('.cache', 'start', 'vault'), '--json'], { cwd: checkout, encoding: 'utf8' });
  const vault = JSON.parse(out).find((v) => v.identity.name === name);
  assert.ok(vault, `npm run vault -- list names ${name}: ${out}`);
  return vault.identity;
}

/**
 * From the palette: the Azure command, the pasted token, the subscription, the vault, the modal;
 * then "Set Up Backup Agent…" with the fresh file it suggests, through the README's labels.
 * Returns the fresh file's path and this server's name.
 */
export async function fromAzureThenRegister(page, { checkout, run, steps, log, trace }) {
  const { subscription, tokenCommand } = printedAzure(run.output());
  const vault = listedVault(checkout, run.vaultName);
  assert.equal(vault.subscriptionId, subscription, 'the printed subscription is the demo vault\'s');
  // The printed command as a user runs it in the checkout; its last line is the token (never printed here).
  const token = execFileSync('sh', ['-c', tokenCommand], { cwd: checkout, encoding: 'utf8' }).trim().split('\n').at(-1).trim();
  assert.ok(token.length >= 20, 'the token command printed a token');

  const title = product.text('Get Vault Credentials from Azure');
  const signIn = await runCommandByKeyboard(page, product.command('getCredentialsFromAzure'));
  const host = `127.0.0.1:${run.vaultPort}`;
  assert.equal(signIn.title, product.text('Sign In to {0}', host), 'a non-Azure endpoint asks for its own token');
  assert.equal(await page.locator('.quick-input-widget .quick-input-box input').first().getAttribute('type'), 'password', 'the token box hides what is pasted');
  await page.keyboard.insertText(token); // a paste: the whole token in one input event
  await page.keyboard.press('Enter');
  trace(`${signIn.title}: the token pasted, Enter`);

  const subscriptions = await waitForQuickInputStep(page, signIn.title, 'after the token');
  assert.ok(subscriptions.title.startsWith(title), subscriptions.title);
  const listed = subscriptions.items.find((i) => i.description === subscription);
  assert.ok(listed, `the subscription ${subscription} is offered by name with its id: ${JSON.stringify(subscriptions.items)}`);
  await pickByKeyboard(page, listed.label);
  trace(`${subscriptions.title}: "${listed.label}" (${listed.description})`);

  const vaults = await waitForQuickInputStep(page, subscriptions.title, 'after the subscription');
  assert.ok(vaults.title.startsWith(title), vaults.title);
  assert.deepEqual(vaults.items, [{ label: vault.name, description: product.text('resource group {0} · {1}', vault.resourceGroup, vault.location) }], 'the vault with its resource group and region');
  await pickByKeyboard(page, vault.name);
  trace(`${vaults.title}: "${vault.name}" (${vaults.items[0].description})`);

  // Before any upload, the modal that a user must answer.
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 60_000 });
  const said = (await dialog.innerText()).replace(/\s+/g, ' ');
  for (const line of [
    product.text('Get a new credentials file for vault {0}?', vault.name),
    product.text("A new file makes every earlier credentials file for this vault stop working, including other admins' files and those of servers or fleets being registered right now. The new file holds a private key and is valid for 48 hours; it is kept in a private temporary folder and removed after the registration."),
  ]) assert.ok(said.includes(line), `the modal says "${line}": ${said}`);
  await answerDialog(page, product.text('Get New File'));
  trace(`the modal "${product.text('Get a new credentials file for vault {0}?', vault.name)}": ${product.text('Get New File')}`);
  const selectedToast = page.locator('.notifications-toasts .notification-toast', { hasText: product.text('A fresh credentials file for vault {0} is selected. It is removed after the registration.', vault.name) });
  await selectedToast.waitFor({ timeout: 60_000 });
  assert.ok((await selectedToast.innerText()).includes(product.text('Save a Copy…')), 'a copy is an explicit choice');

  // The setup's first step suggests the fresh file; the README's steps do the rest.
  const [command, ...labels] = steps.flatMap((s) => s.labels);
  const first = await runCommandByKeyboard(page, command[0]);
  const box = page.locator('.quick-input-widget .quick-input-box input').first();
  const end = Date.now() + 30_000;
  let file = await box.inputValue();
  while (!/backup-agent-credentials-[^/]+\/[^/]+\.VaultCredentials$/.test(file) && Date.now() < end) {
    await sleep(200);
    file = await box.inputValue();
  }
  assert.match(file, /backup-agent-credentials-[^/]+\/[^/]+\.VaultCredentials$/, 'the first step suggests the file from Azure, in its private folder');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'owner only');
  await followSteps(page, first, labels, trace);
  tokenNowhere(token, [path.join(checkout, '.cache', 'start'), log]);
  return { file, serverName: serverNameOf(checkout) };
}

/** The pasted token is in no file of the demo's profile, logs, vault data (but the emulator's own token file) or npm start's output. */
function tokenNowhere(token, places) {
  const holding = [];
  const search = (p) => {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (stat?.isDirectory()) for (const e of fs.readdirSync(p)) search(path.join(p, e));
    else if (stat?.isFile() && !p.endsWith('arm-token') && fs.readFileSync(p).includes(token)) holding.push(p);
  };
  for (const p of places) search(p);
  assert.deepEqual(holding, [], 'files holding the pasted token');
}

const serverNameOf = (checkout) => JSON.parse(fs.readFileSync(path.join(checkout, '.cache', 'start', 'agent', 'config', 'agent.json'), 'utf8')).serverName;

/** "Focus on Servers View", then the vault's group with this server under it, as the vault reports it. */
export async function vaultViewShows(page, { run, checkout, serverName, trace }) {
  const vault = listedVault(checkout, run.vaultName);
  await runCommandByKeyboard(page, `Focus on ${nls['view.servers']} View`, { opensQuickInput: false });
  const group = product.text('Vault {0}', vault.name);
  const end = Date.now() + 90_000;
  let rows = [];
  let under = [];
  let opened = 'by itself';
  for (;;) {
    rows = await sideBarTreeRows(page);
    const at = rows.findIndex((r) => r.label === group);
    if (at >= 0 && rows[at].expanded === 'false') {
      // A vault's group drawn closed (this server not yet registered with it when the tree drew it): a user opens it by keyboard.
      opened = 'by the Right key';
      await page.keyboard.press('Home');
      for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
      const [focused = ''] = await page.locator('.part.sidebar .monaco-list-row.focused .label-name').allInnerTexts();
      if (focused.trim() === group) await page.keyboard.press('ArrowRight');
    } else if (at >= 0) {
      const level = rows[at].level;
      const after = rows.slice(at + 1);
      const next = after.findIndex((r) => r.level <= level);
      under = (next < 0 ? after : after.slice(0, next)).filter((r) => r.level === level + 1);
      if (under.some((r) => r.label === serverName)) break;
    }
    if (Date.now() > end) assert.fail(`the Servers view shows no "${group}" with ${serverName} under it: ${JSON.stringify(rows)}`);
    await sleep(500);
  }
  const vaultRow = rows.find((r) => r.label === group);
  assert.equal(vaultRow.description, product.text('resource group {0} · {1}', vault.resourceGroup, vault.location));
  const server = under.find((r) => r.label === serverName);
  // What the vault reports of it: health, no backup yet, its item count.
  const facts = server.description.split(' · ');
  assert.ok(facts.includes(product.text('no backup yet')), server.description);
  assert.match(facts.at(-1), new RegExp(`^(${product.text('1 item')}|${product.text('{0} items', '\\d+')})$`), server.description);
  trace(`the Servers view: "${group}" (${vaultRow.description}), opened ${opened} → ${server.label} (${server.description})`);
}

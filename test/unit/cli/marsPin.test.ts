/**
 * Where the CLI's MARS driver gets the vault's security PIN (src/cli/mars.ts), in process: the
 * run through the installed CLI (mars.test.ts) stops, against the simulated Windows shell, before
 * the step that spends it. --security-pin-stdin's PIN first; else the vault's security-PIN
 * operation while signed in (here the local vault's Resource Manager emulator, with its token);
 * else the terminal, which a piped stdin is not (so none, and the driver refuses SecurityPinMissing).
 * The PIN is never written to the output or the log.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parseCommandLine, type ParsedCommand } from '../../../src/cli/args';
import type { CliContext, Tools } from '../../../src/cli/commands';
import { cliMarsAdapter } from '../../../src/cli/mars';
import { Output } from '../../../src/cli/output';
import { readHiddenLine, readSecrets } from '../../../src/cli/secrets';
import { securityPinPrompt } from '../../../src/core/agents/mars/pin';
import { CancelledError } from '../../../src/core/errors';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import type { VaultIdentity } from '../../../src/vault/issuer';
import { startServiceVault } from '../../support/service';
import type { TestVault } from '../../support/vault';

describe('CLI: the MARS security PIN', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let identity: VaultIdentity;
  let token: string;
  let caFile: string;
  let root: string;

  before(async () => {
    vault = await startServiceVault();
    identity = await vault.admin.createVault({ name: `p${randomUUID().slice(0, 8)}`, subscriptionId: randomUUID(), resourceGroup: 'rg-pin', location: 'westeurope' });
    token = (await fs.readFile(path.join(vault.dataDir, 'arm-token'), 'utf8')).trim();
    root = await fs.mkdtemp(path.join(vault.dataDir, 'pin-'));
    caFile = path.join(root, 'ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
  });
  after(async () => {
    await vault?.close();
  });

  /** The adapter as `backup-agent-setup <argv>` builds it, with `stdin` piped; what it printed. */
  function adapterFor(argv: string[], stdin: string) {
    const printed: string[] = [];
    const parsed = parseCommandLine(argv) as ParsedCommand;
    const output = new Output({ stdout: (t) => printed.push(t), stderr: (t) => printed.push(t) }, true, true);
    const ctx: CliContext = { parsed, output, env: {}, stdin: Readable.from([stdin]), signal: new AbortController().signal };
    const values = parsed.values;
    const flag = (name: string) => values[name] === true;
    const secretsRead = readSecrets({ passphraseStdin: false, proxyPasswordStdin: false, tokenStdin: flag('token-stdin'), securityPinStdin: flag('security-pin-stdin') }, {}, ctx.stdin);
    const unused = () => Promise.reject(new Error('not used by the adapter'));
    const tools: Tools = {
      string: (name) => values[name] as string | undefined,
      list: (name) => values[name] as string[] | undefined,
      flag,
      secrets: () => secretsRead,
      proxySettings: async () => parseProxySettings({ mode: 'off', noProxy: [] }),
      service: unused,
      fileChoice: unused,
      serverChoice: unused,
    };
    const scope = { subscriptionId: identity.subscriptionId, resourceGroup: identity.resourceGroup };
    return { adapter: cliMarsAdapter(ctx, tools, scope), printed };
  }

  const register = ['register', '--ssh', 'win1', '--credentials', 'x.VaultCredentials', '--arm-endpoint'];

  it("takes the vault's PIN while signed in, and writes it nowhere", async () => {
    const { adapter, printed } = adapterFor([...register, vault.url, '--ca', caFile, '--token-stdin'], `${token}\n`);
    const pin = await adapter.askSecurityPin(securityPinPrompt(identity.name));
    assert.match(pin?.reveal() ?? '', /^\d{8}$/, 'an 8-digit PIN from the emulator');
    assert.ok(!printed.join('').includes(pin!.reveal()), printed.join(''));
    assert.ok(vault.logs.some((l) => l.includes('/backupSecurityPIN ')), 'asked of the vault');
  });

  it('takes --security-pin-stdin before the vault', async () => {
    const before = vault.logs.filter((l) => l.includes('/backupSecurityPIN ')).length;
    const { adapter, printed } = adapterFor([...register, vault.url, '--ca', caFile, '--token-stdin', '--security-pin-stdin'], `${token}\n424242\n`);
    assert.equal((await adapter.askSecurityPin(securityPinPrompt(identity.name)))?.reveal(), '424242');
    assert.equal(vault.logs.filter((l) => l.includes('/backupSecurityPIN ')).length, before, 'the vault was not asked');
    assert.ok(!printed.join('').includes('424242'));
  });

  it('gives none when not signed in and stdin is no terminal (the vault says why in the log)', async () => {
    const { adapter, printed } = adapterFor([...register, vault.url, '--ca', caFile], '');
    assert.equal(await adapter.askSecurityPin(securityPinPrompt(identity.name)), undefined);
    assert.match(printed.join(''), /security-PIN operation for .* failed, so the PIN is asked for/);
  });
});

/**
 * The terminal prompt (readHiddenLine) over a stand-in for a terminal's stdin (a stream with isTTY
 * and setRawMode, which records the modes asked): no real terminal is driven here, so that the
 * terminal echoes nothing in raw mode is the terminal's, not tested.
 */
describe('CLI: the hidden terminal prompt', () => {
  function terminal() {
    const stream = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(raw: boolean): void; modes: boolean[] };
    stream.isTTY = true;
    stream.modes = [];
    stream.setRawMode = (raw) => void stream.modes.push(raw);
    return stream;
  }

  it('asks on stderr, reads one line in raw mode (backspace edits it), prints none of it, and restores the mode', async () => {
    const tty = terminal();
    const printed: string[] = [];
    const answer = readHiddenLine('Security PIN for vault v1: …', tty, (t) => printed.push(t));
    tty.write('12x');
    tty.write('\u007f34\r');
    assert.equal((await answer)?.reveal(), '1234');
    assert.deepEqual(tty.modes, [true, false]);
    assert.match(printed.join(''), /^Security PIN for vault v1: …\n> \n$/);
  });

  it('cancels on Ctrl+C and on the signal, and gives none for a piped stdin', async () => {
    const tty = terminal();
    const answer = readHiddenLine('PIN?', tty, () => undefined);
    tty.write('12\u0003');
    await assert.rejects(answer, CancelledError);
    assert.deepEqual(tty.modes, [true, false]);
    const controller = new AbortController();
    const waiting = readHiddenLine('PIN?', terminal(), () => undefined, controller.signal);
    controller.abort();
    await assert.rejects(waiting, CancelledError);
    assert.equal(await readHiddenLine('PIN?', Readable.from(['1234\n']), () => undefined), undefined);
  });
});

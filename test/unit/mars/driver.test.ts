// The MARS driver against a recording fake Target: a test double of the Target interface only,
// answering each script with the documented success and error texts as PowerShell would print
// them (the result line). The scripts, command lines, stdin and parsing are the real ones. No
// Windows machine or PowerShell ran any of this: nothing here is a Windows run.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MarsDriver, installerLink, type MarsHost, type MarsSettings, type RegisteredAt } from '../../../src/core/agents/mars/driver';
import type { SecurityPinPrompt } from '../../../src/core/agents/mars/pin';
import type { AgentProxy } from '../../../src/core/config/agentConfig';
import type { AgentLayout } from '../../../src/core/config/layout';
import { isSetupError, SetupError } from '../../../src/core/errors';
import { Secret } from '../../../src/core/secret';
import type { VaultRoute } from '../../../src/core/service/vaultAccess';
import { decodeCommand } from '../../../src/core/target/powershell/commandLine';
import { RESULT_MARKER } from '../../../src/core/target/powershell/result';
import type { CommandResult, RunOptions, Target, TargetStat } from '../../../src/core/target/target';
import { issueCredentials } from '../../../src/vault/issuer';
import { TEST_VAULT } from '../../support/credentials-corpus';
import { findSecrets } from '../../support/secretSearch';

const INSTALL = 'C:\\Program Files\\Microsoft Azure Recovery Services Agent';
const LAYOUT: AgentLayout = {
  installFolder: INSTALL,
  agentDir: INSTALL,
  configDir: 'C:\\ProgramData\\BackupAgentSetup',
  configFile: 'C:\\ProgramData\\BackupAgentSetup\\config.json',
  machineIdFile: 'C:\\ProgramData\\BackupAgentSetup\\machine-id',
  machineKeyFile: 'C:\\ProgramData\\BackupAgentSetup\\machine.key',
  machineCertFile: 'C:\\ProgramData\\BackupAgentSetup\\machine.crt',
  vaultCaFile: 'C:\\ProgramData\\BackupAgentSetup\\vault-ca.crt',
  proxyPasswordFile: 'C:\\ProgramData\\BackupAgentSetup\\proxy.secret',
};

// Start-OBRegistration's documented success (MicrosoftDocs azure-docs backup-client-automation.md).
const REGISTERED = [
  'CertThumbprint      : 7a2ef2caa2e74b6ed1222a5e89288ddad438df2a',
  'SubscriptionID      : ef4ab577-c2c0-43e4-af80-af49f485f3d1',
  'ServiceResourceName : lab1',
  'Region              : West US',
  '',
  'Machine registration succeeded.',
].join('\r\n');

// The agent's transient failure as a public script recorded it (FullyQualifiedErrorId and message).
const INTERNAL_ERROR = {
  errorId: 'CBPGenericOperationFailure,Microsoft.Internal.CloudBackup.Commands.StartCBRegistrationCommand',
  message: 'The current operation failed due to an internal service error [0x7DC]. Please retry the operation after sometime. If the issue persists, please contact Microsoft Support.',
  category: 'NotSpecified',
};

type Answer = { ok: true; data: unknown } | { ok: false; errorId: string; message: string; category: string } | { raw: string };

interface Call {
  command: string;
  args: readonly string[];
  script: string;
  stdin?: string;
  env?: Record<string, string>;
}

/** A Target that records every call and answers scripts with `answer`; files live in a map. */
class RecordingTarget implements Target {
  readonly id = 'ssh://admin@ws2019:22';
  readonly label = 'admin@ws2019';
  readonly isLocal = false;
  readonly pathStyle = 'win32' as const;
  readonly calls: Call[] = [];
  readonly files = new Map<string, Buffer>();
  readonly removed: string[] = [];

  constructor(private readonly answer: (script: string, call: Call) => Answer) {}

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const script = decodeCommand(args.at(-1) ?? '');
    const call: Call = { command, args, script, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}), ...(options.env ? { env: options.env } : {}) };
    this.calls.push(call);
    const answer = this.answer(script, call);
    if ('raw' in answer) return { outcome: { kind: 'exited', code: 1 }, stdout: answer.raw, stderr: '' };
    const stdout = `#< CLIXML\r\n${RESULT_MARKER}${JSON.stringify(answer)}\r\n`;
    return { outcome: { kind: 'exited', code: answer.ok ? 0 : 1 }, stdout, stderr: '' };
  }

  async stat(p: string): Promise<TargetStat | undefined> {
    const data = this.files.get(p);
    return data ? { kind: 'file', size: data.length, private: false } : undefined;
  }
  async readFile(p: string): Promise<Buffer> {
    const data = this.files.get(p);
    if (!data) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return data;
  }
  async writeFileAtomic(p: string, data: string | Uint8Array): Promise<void> {
    this.files.set(p, Buffer.from(data));
  }
  async mkdir(): Promise<void> {}
  async remove(p: string): Promise<void> {
    this.removed.push(p);
    this.files.delete(p);
  }
  facts(): never {
    throw new Error('the MARS driver reads its facts with its own script');
  }
  readdir(): never {
    throw new Error('not used');
  }
  rename(): never {
    throw new Error('not used');
  }
  symlink(): never {
    throw new Error('not used');
  }
  freeSpace(): never {
    throw new Error('not used');
  }
  reach(): never {
    throw new Error('not used');
  }
  async close(): Promise<void> {}

  scripts(): string[] {
    return this.calls.map((c) => c.script);
  }
}

const ok = (data: unknown = null): Answer => ({ ok: true, data });

/** The documented success of every script, the module appearing once the installer ran. */
function successes(overrides: (script: string) => Answer | undefined = () => undefined) {
  let installed = false;
  return (script: string): Answer => {
    const special = overrides(script);
    if (special) return special;
    if (script.includes('Test-Path -LiteralPath $module')) return ok({ version: installed ? '2.0.9262.0' : null });
    if (script.includes('Start-Process -FilePath $installer')) {
      installed = !script.includes("'/d /q'");
      return ok({ exitCode: 0 });
    }
    if (script.includes('Start-OBRegistration')) return ok({ output: REGISTERED, moduleVersion: '2.0.9262.0' });
    return ok();
  };
}

const SETTINGS: MarsSettings = {
  installerRoute: 'server',
  microsoftUpdate: false,
  cacheFolder: `${INSTALL}\\Scratch`,
  stagingFolder: 'C:\\Windows\\Temp\\backup-agent-setup',
};
/** The credentials file's AgentLinks, as the service passes them to install. */
const AGENT_LINKS = [{ name: 'MARSAgentInstaller', url: 'https://download.example.test/MARSAgentInstaller.exe' }];

const PROXY: AgentProxy = { mode: 'explicit', host: 'proxy.example.test', port: 3128, user: 'CONTOSO\\backup', noProxy: [], passwordFile: null };
const SECRETS = { passphrase: 'MARKER-passphrase-Correct-Horse-9', pin: '48213377', proxyPassword: 'MARKER-proxy-pw-71', proxyAuth: 'MARKER-route-pw-55' };

function hostFor(target: RecordingTarget, extra: Partial<MarsHost> = {}) {
  const waits: number[] = [];
  const prompts: SecurityPinPrompt[] = [];
  const removedAtVault: string[] = [];
  const readAtVault: RegisteredAt[] = [];
  const host: MarsHost = {
    target,
    logger: { info() {}, warn() {}, error() {}, debug() {} } as unknown as MarsHost['logger'],
    settings: SETTINGS,
    askSecurityPin: async (prompt) => (prompts.push(prompt), new Secret(SECRETS.pin)),
    removeAtVault: async (at) => void removedAtVault.push(at.serverName),
    readAtVault: async (at) => (readAtVault.push(at), { registrationStatus: 'Registered' }),
    sleep: async (ms) => void waits.push(ms),
    ...extra,
  };
  return { host, waits, prompts, removedAtVault, readAtVault };
}

const ROUTE: VaultRoute = {
  endpoint: 'https://pod01-id1.weu.backup.windowsazure.com',
  proxy: {
    source: 'settings',
    strictSSL: true,
    proxy: { origin: 'http://proxy.example.test:3128', host: 'proxy.example.test', port: 3128, username: 'CONTOSO\\backup', authorization: new Secret(`Basic ${Buffer.from(`CONTOSO\\backup:${SECRETS.proxyAuth}`).toString('base64')}`) },
  } as VaultRoute['proxy'],
};

/**
 * Where the secrets show outside stdin: every command and argument (the -EncodedCommand included),
 * every decoded script, every environment and every file written to the target, each searched as
 * text, UTF-16LE and base64 at the three offsets (test/support/secretSearch.ts).
 */
function secretsSent(target: RecordingTarget, secrets: readonly string[]): string[] {
  const found: string[] = [];
  target.calls.forEach((call, i) => {
    found.push(...findSecrets({ [`call ${i} command line`]: [call.command, ...call.args].join(' '), [`call ${i} script`]: call.script, [`call ${i} env`]: JSON.stringify(call.env ?? {}) }, secrets));
  });
  found.push(...findSecrets(Object.fromEntries(target.files), secrets));
  return found;
}

function assertNoSecretSent(target: RecordingTarget, secrets: readonly string[]): void {
  assert.deepEqual(secretsSent(target, secrets), []);
}

async function credentialsFile(): Promise<string> {
  const issued = await issueCredentials({ vault: TEST_VAULT, endpoint: 'https://pod01-id1.weu.backup.windowsazure.com', agentLinks: AGENT_LINKS.slice() });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mars-driver-'));
  const file = path.join(dir, issued.fileName);
  await fs.writeFile(file, issued.xml, { mode: 0o600 });
  return file;
}

describe('MARS driver (recording fake Target; no Windows run)', function () {
  this.timeout(60_000);

  it('picks the MARS installer among the file\'s AgentLinks, else the facts\' link', () => {
    assert.equal(installerLink(AGENT_LINKS), 'https://download.example.test/MARSAgentInstaller.exe');
    assert.equal(installerLink([{ name: 'Help', url: 'https://example.test/help' }]), 'https://aka.ms/azurebackup_agent');
    assert.equal(installerLink([{ name: 'MARSAgentInstaller', url: 'http://plain.example.test/MARSAgentInstaller.exe' }]), 'https://aka.ms/azurebackup_agent');
  });

  it('server route: downloads through the proxy with its password on stdin, checks the signature and installs with /q /nu /p: /s:', async () => {
    const target = new RecordingTarget(successes());
    const { host } = hostFor(target);
    const installed = await new MarsDriver(host).install(ROUTE, LAYOUT, { agentLinks: AGENT_LINKS });
    assert.deepEqual(installed, { version: '2.0.9262.0', agentDir: INSTALL, installed: true });
    const scripts = target.scripts();
    assert.equal(scripts.length, 4);
    assert.match(scripts[1]!, /Invoke-WebRequest -Uri 'https:\/\/download\.example\.test\/MARSAgentInstaller\.exe'/);
    assert.match(scripts[1]!, /-ProxyCredential \(New-Object System\.Management\.Automation\.PSCredential -ArgumentList 'CONTOSO\\backup', \$in_proxyPassword\)/);
    assert.deepEqual(JSON.parse(target.calls[1]!.stdin!), { proxyPassword: SECRETS.proxyAuth });
    assert.ok(scripts[2]!.indexOf('Get-AuthenticodeSignature') < scripts[2]!.indexOf('Start-Process'));
    assert.match(scripts[2]!, /'\/q \/nu \/p:"'/);
    for (const call of target.calls) {
      assert.equal(call.command, 'powershell.exe');
      assert.deepEqual(call.args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    }
    assertNoSecretSent(target, [SECRETS.proxyAuth]);
  });

  it('admin route: this side fetches the installer and uploads it; the server still checks its signature', async () => {
    const target = new RecordingTarget(successes());
    const fetched: string[] = [];
    const { host } = hostFor(target, {
      settings: { ...SETTINGS, installerRoute: 'admin' },
      fetchInstaller: async (url) => (fetched.push(url), Buffer.from('MZ installer bytes')),
    });
    const proxies: string[] = [];
    const direct = { source: 'off' as const, strictSSL: true };
    await new MarsDriver({ ...host, fetchInstaller: async (url, route) => (proxies.push(route.proxy.source), host.fetchInstaller!(url, route)) }).install(ROUTE, LAYOUT, { proxyFor: () => direct });
    // No AgentLinks given: the link agent facts §3 names, fetched with the proxy decided for its host.
    assert.deepEqual(fetched, ['https://aka.ms/azurebackup_agent']);
    assert.deepEqual(proxies, ['off']);
    assert.equal(target.files.get('C:\\Windows\\Temp\\backup-agent-setup\\MARSAgentInstaller.exe')?.toString(), 'MZ installer bytes');
    assert.ok(!target.scripts().some((s) => s.includes('Invoke-WebRequest')));
    assert.ok(target.scripts().some((s) => s.includes('Get-AuthenticodeSignature')));
  });

  it('keeps an installed agent, and refuses an installer without a valid Microsoft signature', async () => {
    const present = new RecordingTarget(() => ok({ version: '2.0.9262.0' }));
    assert.deepEqual(await new MarsDriver(hostFor(present).host).install(ROUTE, LAYOUT), { version: '2.0.9262.0', agentDir: INSTALL, installed: false });
    assert.equal(present.calls.length, 1);

    const unsigned = new RecordingTarget(
      successes((s) =>
        s.includes('Start-Process') ? { ok: false, errorId: 'MarsInstallerSignatureInvalid: the signature status is NotSigned', message: 'MarsInstallerSignatureInvalid: the signature status is NotSigned', category: 'OperationStopped' } : undefined,
      ),
    );
    await assert.rejects(new MarsDriver(hostFor(unsigned).host).install(ROUTE, LAYOUT), (err) => isSetupError(err, 'MarsInstallerSignatureInvalid') && err.params.action === 'retryLater');
  });

  it('registers: credentials on stdin into a private folder, proxy and passphrase with the PIN asked of the admin, cache moved; no secret outside stdin', async () => {
    const target = new RecordingTarget(successes());
    const { host, prompts } = hostFor(target);
    const file = await credentialsFile();
    const registered = await new MarsDriver(host).register(
      LAYOUT,
      { credentialsFile: file, serverName: 'WS2019', cacheFolder: 'E:\\MARS\\Cache', proxy: PROXY, proxyPassword: new Secret(SECRETS.proxyPassword), passphrase: new Secret(SECRETS.passphrase) },
      { endpoint: ROUTE.endpoint },
    );
    assert.equal(registered.registrationId, '7a2ef2caa2e74b6ed1222a5e89288ddad438df2a');
    assert.equal(registered.agentVersion, '2.0.9262.0');
    const scripts = target.scripts();
    assert.match(scripts[0]!, /Start-OBRegistration -VaultCredentials \$file -Confirm:\$false/);
    assert.match(scripts[0]!, /\} finally \{\r?\n\s*Remove-Item -LiteralPath \$folder -Recurse -Force/);
    assert.equal(Buffer.from(JSON.parse(target.calls[0]!.stdin!).credentials, 'base64').toString(), await fs.readFile(file, 'utf8'));
    assert.match(scripts[1]!, /Set-OBMachineSetting -ProxyServer 'proxy\.example\.test' -ProxyPort 3128 -ProxyUsername 'CONTOSO\\backup' -ProxyPassword \$in_proxyPassword/);
    assert.match(scripts[2]!, /Stop-Service -Name 'obengine'/);
    assert.match(scripts[3]!, /Set-OBMachineSetting -EncryptionPassPhrase \$in_passphrase -SecurityPin \$in_securityPin/);
    assert.deepEqual(JSON.parse(target.calls[3]!.stdin!), { passphrase: SECRETS.passphrase, securityPin: SECRETS.pin });
    assert.deepEqual(prompts.map((p) => p.vault), ['lab1']);
    const config = JSON.parse(target.files.get(LAYOUT.configFile)!.toString());
    assert.equal(config.vault.name, 'lab1');
    // The thumbprint Start-OBRegistration reported is the record a later run (a fleet's skip) reads.
    assert.equal(config.registration.id, '7a2ef2caa2e74b6ed1222a5e89288ddad438df2a');
    assert.equal(config.registration.machineCertificateNotAfter, undefined, 'no certificate date is made up');
    assert.equal(config.cacheFolder, 'E:\\MARS\\Cache');
    assertNoSecretSent(target, [SECRETS.passphrase, SECRETS.pin, SECRETS.proxyPassword]);

    // Negative control: the same search finds a secret planted in a file written to the target
    // and, base64-wrapped as in an -EncodedCommand, in a command line.
    target.files.set('C:\\planted.txt', Buffer.from(`x${SECRETS.pin}y`, 'utf16le'));
    target.calls.push({ command: 'powershell.exe', args: ['-EncodedCommand', Buffer.from(`Write-Output ${SECRETS.passphrase}`, 'utf16le').toString('base64')], script: '' });
    const planted = secretsSent(target, [SECRETS.passphrase, SECRETS.pin]);
    assert.ok(planted.some((f) => f.includes('planted.txt') && f.includes(SECRETS.pin)), planted.join('; '));
    assert.ok(planted.some((f) => f.includes('command line') && f.includes(SECRETS.passphrase)), planted.join('; '));
  });

  it('tries the transient 0x7DC again (3 tries, waits doubling), then reports it; the copied file is removed after a failure', async () => {
    let tries = 0;
    const flaky = new RecordingTarget(successes((s) => (s.includes('Start-OBRegistration') && ++tries < 3 ? { ok: false, ...INTERNAL_ERROR } : undefined)));
    const a = hostFor(flaky);
    const file = await credentialsFile();
    const registration = { credentialsFile: file, serverName: 'WS2019', cacheFolder: SETTINGS.cacheFolder, proxy: { ...PROXY, mode: 'off' as const } };
    await new MarsDriver(a.host).register(LAYOUT, registration, { endpoint: ROUTE.endpoint });
    assert.equal(tries, 3);
    assert.deepEqual(a.waits, [5000, 10000]);

    const down = new RecordingTarget(successes((s) => (s.includes('Start-OBRegistration') ? { ok: false, ...INTERNAL_ERROR } : undefined)));
    await assert.rejects(new MarsDriver(hostFor(down).host).register(LAYOUT, registration, { endpoint: ROUTE.endpoint }), (err) => isSetupError(err, 'InternalError'));
    assert.equal(down.scripts().filter((s) => s.includes('Start-OBRegistration')).length, 3);
    assert.match(down.scripts().at(-1)!, /if \(Test-Path -LiteralPath \$folder\) \{ Remove-Item -LiteralPath \$folder -Recurse -Force \}/);
  });

  it('maps the documented refusals: 34513, an expired file, 100110, 407 through the proxy', async () => {
    const file = await credentialsFile();
    const registration = { credentialsFile: file, serverName: 'WS2019', cacheFolder: SETTINGS.cacheFolder, proxy: { ...PROXY, mode: 'off' as const } };
    const cases: Array<[string, string, string]> = [
      ['System.Exception,Microsoft.Internal.CloudBackup.Commands.StartCBRegistrationCommand', 'Invalid vault credentials provided. (ID: 34513)', '34513'],
      ['CBPUserExpiredVaultCredential,Microsoft.Internal.CloudBackup.Commands.StartCBRegistrationCommand', 'Vault credentials file provided has expired. Please download a new one and use it within 2 days.', 'CBPUserExpiredVaultCredential'],
      ['100110,Microsoft.Internal.CloudBackup.Commands.StartCBRegistrationCommand', 'The vault credentials file is from another vault.', '100110'],
      ['x', 'The remote server returned an error: (407) Proxy Authentication Required. (ID: 100050)', 'ProxyAuthRequired'],
    ];
    for (const [errorId, message, code] of cases) {
      const target = new RecordingTarget(successes((s) => (s.includes('Start-OBRegistration') ? { ok: false, errorId, message, category: 'InvalidArgument' } : undefined)));
      await assert.rejects(new MarsDriver(hostFor(target).host).register(LAYOUT, registration, { endpoint: ROUTE.endpoint }), (err) => isSetupError(err) && err.code === code && typeof err.params.action === 'string', message);
      assert.equal(target.scripts().filter((s) => s.includes('Start-OBRegistration')).length, 1, `${code} is not tried again`);
    }
  });

  it('says so when PowerShell gives no result line (no CLIXML noise is taken for an answer)', async () => {
    const target = new RecordingTarget(() => ({ raw: '#< CLIXML\r\n<Objs Version="1.1.0.1"><S S="Error">powershell.exe : not recognized</S></Objs>\r\n' }));
    await assert.rejects(new MarsDriver(hostFor(target).host).install(ROUTE, LAYOUT), (err) => isSetupError(err, 'MarsScriptNoResult'));
  });

  it('changes the passphrase with the given PIN, moves the cache and sets no proxy; refuses a server it did not set up', async () => {
    const target = new RecordingTarget(successes());
    const { host, prompts } = hostFor(target);
    const driver = new MarsDriver(host);
    await assert.rejects(driver.change(LAYOUT, { cacheFolder: 'E:\\Cache' }, undefined), (err) => isSetupError(err, 'AgentNotConfigured'));
    await driver.register(LAYOUT, { credentialsFile: await credentialsFile(), serverName: 'WS2019', cacheFolder: SETTINGS.cacheFolder, proxy: PROXY }, { endpoint: ROUTE.endpoint });
    target.calls.length = 0;
    const config = await driver.change(
      LAYOUT,
      { cacheFolder: 'F:\\Scratch', proxy: { proxy: { ...PROXY, mode: 'off' } }, passphrase: { securityPin: new Secret('11112222'), newValue: new Secret(SECRETS.passphrase) } },
      undefined,
    );
    assert.equal(config.cacheFolder, 'F:\\Scratch');
    assert.equal(config.proxy.mode, 'off');
    assert.ok(config.passphrase?.setAt);
    assert.deepEqual(prompts, [], 'a PIN given with the change is not asked for');
    const scripts = target.scripts();
    assert.match(scripts[0]!, /\$from = 'C:\\Program Files\\Microsoft Azure Recovery Services Agent\\Scratch'\r?\n\$to = 'F:\\Scratch'/);
    assert.match(scripts[1]!, /Set-OBMachineSetting -NoProxy/);
    assert.deepEqual(JSON.parse(target.calls[2]!.stdin!), { passphrase: SECRETS.passphrase, securityPin: '11112222' });
    assertNoSecretSent(target, [SECRETS.passphrase, '11112222']);
  });

  it('a passphrase without a PIN from the admin is refused before anything is sent', async () => {
    const target = new RecordingTarget(successes());
    const { host } = hostFor(target, { askSecurityPin: async () => undefined });
    const registration = { credentialsFile: await credentialsFile(), serverName: 'WS2019', cacheFolder: SETTINGS.cacheFolder, proxy: { ...PROXY, mode: 'off' as const }, passphrase: new Secret(SECRETS.passphrase) };
    await assert.rejects(new MarsDriver(host).register(LAYOUT, registration, { endpoint: ROUTE.endpoint }), (err) => isSetupError(err, 'MarsSecurityPinMissing') && err.params.action === 'generateNewSecurityPin');
    assert.ok(!target.scripts().some((s) => s.includes('EncryptionPassPhrase')));
  });

  it('unregisters at the vault (the backend\'s removal), then uninstalls with /d when asked and forgets the server', async () => {
    const target = new RecordingTarget(successes());
    const { host, removedAtVault } = hostFor(target, { settings: { ...SETTINGS, uninstallOnUnregister: true } });
    const driver = new MarsDriver(host);
    assert.deepEqual(await driver.unregister(LAYOUT, undefined), { alreadyUnregistered: true });
    await driver.register(LAYOUT, { credentialsFile: await credentialsFile(), serverName: 'WS2019', cacheFolder: SETTINGS.cacheFolder, proxy: { ...PROXY, mode: 'off' } }, { endpoint: ROUTE.endpoint });
    target.calls.length = 0;
    const done = await driver.unregister(LAYOUT, undefined);
    assert.equal(done.alreadyUnregistered, false);
    assert.deepEqual(removedAtVault, ['WS2019']);
    assert.match(target.scripts()[0]!, /\$arguments = '\/d \/q'/);
    assert.ok(!target.files.has(LAYOUT.configFile));
  });

  it('refuses a server older than Windows Server 2019 or a session that is not elevated', async () => {
    const facts = (osVersion: string, elevated: boolean) => ok({ hostname: 'WS', osCaption: 'Microsoft Windows Server', osVersion, elevated, arch: 'AMD64', dotNetRelease: 528049, drive: null });
    const old = new RecordingTarget(() => facts('10.0.14393', true));
    await assert.rejects(new MarsDriver(hostFor(old).host).requirePrerequisites(), (err) => isSetupError(err, 'AgentPrerequisiteMissing'));
    const user = new RecordingTarget(() => facts('10.0.17763', false));
    await assert.rejects(new MarsDriver(hostFor(user).host).requirePrerequisites(), (err) => isSetupError(err, 'AgentPrerequisiteMissing'));
    const good = new RecordingTarget(() => facts('10.0.20348', true));
    const report = await new MarsDriver(hostFor(good).host).requirePrerequisites();
    assert.equal(report.ok, true);
    assert.equal(report.arch, 'AMD64');
  });

  it("reads the registration from the vault's list (the host's Resource Manager read), for the server its configuration names; refused before it registered", async () => {
    const target = new RecordingTarget(successes());
    const { host, readAtVault } = hostFor(target);
    const driver = new MarsDriver(host);
    await assert.rejects(driver.readRegistration(LAYOUT, undefined), (err) => isSetupError(err, 'AgentNotConfigured'));
    await driver.register(LAYOUT, { credentialsFile: await credentialsFile(), serverName: 'WS2019', cacheFolder: SETTINGS.cacheFolder, proxy: { ...PROXY, mode: 'off' } }, { endpoint: ROUTE.endpoint });
    const config = JSON.parse(target.files.get(LAYOUT.configFile)!.toString());
    target.calls.length = 0;
    const remote = await driver.readRegistration(LAYOUT, undefined);
    assert.equal(target.calls.length, 0, 'nothing is run on the server: its configuration was read, the vault asked');
    assert.deepEqual(readAtVault, [{ subscriptionId: config.vault.subscriptionId, resourceGroup: config.vault.resourceGroup, vault: config.vault.name, serverName: 'WS2019' }]);
    assert.deepEqual([remote.status, remote.registrationId, remote.serverName, remote.vault], ['registered', config.registration.id, 'WS2019', config.vault.name]);
    // A server the vault lists no more, or lists as not registered, reads as unregistered there.
    for (const listed of [undefined, { registrationStatus: 'NotRegistered' }]) {
      const gone = new MarsDriver({ ...host, readAtVault: async () => listed });
      assert.equal((await gone.readRegistration(LAYOUT, undefined)).status, 'unregistered');
    }
    // Signed out, the host's refusal is the answer (the status shows the server's side alone).
    const signedOut = new MarsDriver({ ...host, readAtVault: async () => Promise.reject(new SetupError('AzureSignedOut', 'not signed in', {})) });
    await assert.rejects(signedOut.readRegistration(LAYOUT, undefined), (err) => isSetupError(err, 'AzureSignedOut'));
  });
});

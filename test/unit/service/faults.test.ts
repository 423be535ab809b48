/**
 * Faults on the way to the vault and on the target. Each one must leave no corrupt state (no
 * configuration, or the previous one intact) and a re-run must then succeed with the same
 * registration.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { readAgentConfig } from '../../../src/core/config/agentConfig';
import { agentLayout } from '../../../src/core/config/layout';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import type { ProxySettingsInput } from '../../../src/core/proxy/settings';
import type { SetupInput, SetupService, SetupServiceOptions } from '../../../src/core/service';
import { LocalTarget } from '../../../src/core/target/local';
import { fill, mountTmpfs, mountUnavailableReason, type Mount } from '../cache/tmpfs';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { filesUnder } from '../../support/files';
import { acceptLocation, serviceFor, setupInput, startFaultProxy, startServiceVault, tempDir, writeCredentials, type FaultProxy } from '../../support/service';
import { freePort } from '../../support/tls';
import { createVaultWithCredentials, type TestVault, type TestVaultCredentials } from '../../support/vault';

const target = new LocalTarget();
const PROXY_USER = 'agent';
const PROXY_PASSWORD = 'sq-Pa55-for-faults';

async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<SetupError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err, { depth: 4 })}`);
  return err;
}

const register = (service: SetupService, input: SetupInput, onProgress?: (stage: string) => void) =>
  service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress });

describe('SetupService faults', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let root: string;
  let creds: TestVaultCredentials;

  before(async () => {
    vault = await startServiceVault();
  });
  after(async () => {
    await vault?.close();
  });
  beforeEach(async () => {
    root = await tempDir('service-faults-');
    creds = await createVaultWithCredentials(vault);
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** Nothing half-done: no configuration (so no registration recorded) in the install folder. */
  async function assertNoConfig(input: SetupInput): Promise<void> {
    assert.equal(await readAgentConfig(target, agentLayout(target, input.installFolder!)), undefined);
  }

  async function assertRegisteredOnce(registrationId: string): Promise<void> {
    const registrations = await vault.admin.listRegistrations(creds.identity.name);
    assert.deepEqual(registrations.map((r) => [r.registrationId, r.status]), [[registrationId, 'registered']]);
  }

  /** A service and input whose vault calls go through `proxy`, which presents the file's identity upstream. */
  async function behind(proxy: FaultProxy, overrides: Partial<SetupInput>, network?: SetupServiceOptions['network']) {
    const input = setupInput(await writeCredentials(root, creds.file, proxy.url), root, overrides);
    const { service, logger } = serviceFor(root, { url: proxy.url, caCertPem: `${vault.caCertPem}\n${proxy.caCertPem}` }, network ? { network } : {});
    const parsed = await service.inspectCredentials(input.credentialsFile);
    proxy.addIdentity({ certPem: parsed.clientCertificate.certPem, keyPem: parsed.clientCertificate.keyPem });
    return { input, service, logger };
  }

  it('vault down: refused at the connectivity check, then registers once the vault is back on its port', async () => {
    const dataDir = await tempDir('service-faults-vault-');
    let down = await startServiceVault({ dataDir });
    const port = Number(new URL(down.url).port);
    const own = await createVaultWithCredentials(down);
    await down.close();
    try {
      const input = setupInput(await writeCredentials(root, own.file), root);
      const { service } = serviceFor(root, down);
      const err = await failure(register(service, input), 'ConnectionRefused');
      assert.equal(err.params.action, 'checkVaultEndpoint');
      assert.equal(err.params.stage, 'tcp');
      await assertNoConfig(input);
      down = await startServiceVault({ dataDir, port });
      const result = await register(service, input);
      assert.equal((await down.admin.listRegistrations(own.identity.name))[0]?.registrationId, result.registrationId);

      // Down again: the status says so, with the vault's error, and keeps the configuration.
      await down.close();
      const status = await service.status({ installFolder: input.installFolder });
      assert.deepEqual(status.state, { kind: 'vaultUnreachable', vaultName: own.identity.name });
      assert.ok(status.remote && !status.remote.ok && status.remote.error.code === 'ConnectionRefused', inspect(status.remote));
      assert.equal(status.config?.registration?.id, result.registrationId);
    } finally {
      await down.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  describe('behind a fault-injecting proxy', () => {
    let proxy: FaultProxy;
    let input: SetupInput;
    let service: SetupService;
    let logger: ReturnType<typeof serviceFor>['logger'];

    beforeEach(async () => {
      proxy = await startFaultProxy(vault);
      ({ input, service, logger } = await behind(proxy, {}, { requestTimeoutMs: 1_000, retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 50 } }));
    });
    afterEach(async () => {
      await proxy.close();
    });

    const posts = () => proxy.requests.filter((r) => r.method === 'POST' && r.path === '/v1/registrations').map((r) => [r.outcome, r.status]);

    it('503 once: retried with backoff, registered', async () => {
      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'status503' });
      const result = await register(service, input);
      assert.deepEqual(posts(), [['status503', 503], ['forwarded', 201]]);
      assert.ok(logger.lines.some((l) => l.startsWith('warn POST /v1/registrations failed (HttpError)')), logger.lines.join('\n'));
      await assertRegisteredOnce(result.registrationId);
    });

    it('503 on every attempt: bounded retries, nothing recorded; the re-run registers', async () => {
      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'status503', times: 3 });
      const err = await failure(register(service, input), 'HttpError');
      assert.equal(err.params.httpStatus, 503);
      assert.equal(err.params.action, 'retryLater');
      assert.equal(posts().length, 3, 'one attempt and two retries');
      await assertNoConfig(input);
      const result = await register(service, input);
      await assertRegisteredOnce(result.registrationId);
    });

    it('reset mid-response after the vault registered: the retry gets the same registration', async () => {
      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'resetMidResponse' });
      const result = await register(service, input);
      assert.deepEqual(posts(), [['resetMidResponse', 201], ['forwarded', 200]]);
      assert.equal(result.created, false, 'the first, lost answer had created it');
      await assertRegisteredOnce(result.registrationId);
    });

    it('a vault slower than the time-out: refused without a retry, nothing recorded; the re-run registers', async () => {
      proxy.inject({ method: 'POST', path: /^\/v1\/registrations$/, kind: 'delay', delayMs: 2_500 });
      const err = await failure(register(service, input), 'ResponseTimeout');
      assert.equal(err.params.action, 'retryLater');
      assert.deepEqual(posts(), [['delay', undefined]]);
      await assertNoConfig(input);
      await sleep(2_000); // let the held request run out, so it is never forwarded behind the re-run
      const result = await register(service, input);
      await assertRegisteredOnce(result.registrationId);
    });

    it('never retries a 4xx answer', async () => {
      const newer = await vault.admin.issueCredentials(creds.identity.name); // supersedes the file in use
      const err = await failure(register(service, input), '34513');
      assert.equal(err.params.action, 'downloadNewCredentials');
      assert.deepEqual(posts(), [['forwarded', 401]]);
      await assertNoConfig(input);
      const fresh = setupInput(await writeCredentials(await tempDir('service-newer-'), newer, proxy.url), root);
      const parsed = await service.inspectCredentials(fresh.credentialsFile);
      proxy.addIdentity({ certPem: parsed.clientCertificate.certPem, keyPem: parsed.clientCertificate.keyPem });
      const result = await register(service, fresh);
      await assertRegisteredOnce(result.registrationId);
      await fs.rm(path.dirname(fresh.credentialsFile), { recursive: true });
    });
  });

  describe('through squid', () => {
    let squid: Squid | undefined;
    before(async function () {
      const reason = squidUnavailableReason();
      if (reason) {
        console.warn(`    skipping the squid faults: ${reason}`);
        this.skip();
      }
      squid = await startSquid({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    });
    after(async () => {
      await squid?.stop();
    });

    it('407 without credentials, then with a wrong password, then a proxy that is down; the right proxy registers', async () => {
      const credentialsFile = await writeCredentials(root, creds.file);
      const { service } = serviceFor(root, vault);
      const via = (proxyInput: ProxySettingsInput) => setupInput(credentialsFile, root, { proxyInput });

      const noCreds = await failure(register(service, via({ mode: 'settings', host: '127.0.0.1', port: squid!.port })), 'ProxyAuthRequired');
      assert.equal(noCreds.params.proxyStatus, 407);
      assert.equal(noCreds.params.agentCode, '100050');
      assert.equal(noCreds.params.action, 'checkProxyCredentials');
      const wrong = via({ mode: 'settings', host: '127.0.0.1', port: squid!.port, user: PROXY_USER, password: 'not-the-password' });
      await failure(register(service, wrong), 'ProxyAuthRequired');
      const down = await failure(register(service, via({ mode: 'settings', host: '127.0.0.1', port: await freePort() })), 'ProxyUnreachable');
      assert.equal(down.params.action, 'checkProxySettings');
      await assertNoConfig(wrong);

      const right = via({ mode: 'settings', host: '127.0.0.1', port: squid!.port, user: PROXY_USER, password: PROXY_PASSWORD });
      const result = await register(service, right);
      await assertRegisteredOnce(result.registrationId);
      assert.equal((await readAgentConfig(target, agentLayout(target, right.installFolder!)))?.proxy.mode, 'explicit');
    });
  });

  it("the vault's certificate from an unknown CA: refused as untrusted; trusting the CA registers", async () => {
    const input = setupInput(await writeCredentials(root, creds.file), root);
    const err = await failure(register(serviceFor(root, undefined).service, input), 'TlsUntrustedCertificate');
    assert.equal(err.params.action, 'trustVaultCertificate');
    await assertNoConfig(input);
    const result = await register(serviceFor(root, vault).service, input);
    await assertRegisteredOnce(result.registrationId);
  });

  it('kill -9 during configuration writes: the configuration always parses, and the re-run succeeds', async function () {
    const input = setupInput(await writeCredentials(root, creds.file), root);
    const { service } = serviceFor(root, vault);
    const first = await register(service, input);
    const layout = agentLayout(target, input.installFolder!);
    const script = path.join(__dirname, 'fixtures', 'write-config-loop.ts');
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, input.installFolder!], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before writing: ${stderr}`)));
      });
      await sleep(20 + round * 37);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const config = await readAgentConfig(target, layout);
      assert.equal(config?.registration?.id, first.registrationId, `round ${round}`);
    }
    const again = await register(service, input);
    assert.equal(again.registrationId, first.registrationId);
    assert.ok((await readAgentConfig(target, layout))?.serverName === again.serverName);
  });

  describe('on a small disk', () => {
    let mount: Mount | undefined;
    before(async function () {
      const reason = await mountUnavailableReason();
      if (reason) {
        console.warn(`    skipping the full-disk tests: ${reason}`);
        this.skip();
      }
    });
    afterEach(async () => {
      await mount?.unmount();
      mount = undefined;
    });

    const resize = (dir: string, sizeBytes: number) => {
      const result = spawnSync('mount', ['-o', `remount,size=${sizeBytes}`, dir], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
    };

    it('an install folder on a 256 KiB disk: the agent (about 0.9 MB unpacked) does not fit, nothing is recorded; with room the re-run registers', async () => {
      mount = await mountTmpfs({ sizeBytes: 256 * 1024 });
      const input = setupInput(await writeCredentials(root, creds.file), root, { installFolder: path.join(mount.dir, 'install'), dataSizeBytes: 0 });
      const { service } = serviceFor(root, vault);
      const stages: string[] = [];
      const err = await failure(register(service, input, (s) => stages.push(s)), 'AgentUnpackFailed');
      assert.equal(err.params.errorCode, 'ENOSPC');
      assert.equal(stages.at(-1), 'installAgent');
      await assertNoConfig(input);
      resize(mount.dir, 16 * 1024 * 1024);
      const result = await register(service, input);
      await assertRegisteredOnce(result.registrationId);
    });

    /**
     * The agent writes on its own once told to go, so the disk is filled while it waits on the
     * vault (the proxy holds that answer back) at the stage before the write: the write meets a
     * full disk every time. `roomBytes` lets the writes before the failing one through.
     */
    const diskCases = [
      // The install's lock, taken as the check starts, takes a 4 KiB page; the machine's id and key find none.
      { at: 'machineIdentity', heldAt: 'checkFromServer', held: { method: 'GET', path: /^\/v1\/health$/ }, roomBytes: 4096 },
      { at: 'writeCertificates', heldAt: 'registerWithVault', held: { method: 'POST', path: /^\/v1\/registrations$/ }, roomBytes: 0 },
      // The vault's CA and the machine certificate take a 4 KiB page each; the configuration finds none.
      { at: 'writeConfiguration', heldAt: 'registerWithVault', held: { method: 'POST', path: /^\/v1\/registrations$/ }, roomBytes: 2 * 4096 },
    ] as const;
    for (const { at, heldAt, held, roomBytes } of diskCases) {
      it(`the disk fills up at ${at}: refused with a next step, no temp files left; the re-run after freeing space registers the same machine`, async () => {
        mount = await mountTmpfs({ sizeBytes: 16 * 1024 * 1024 });
        const disk = mount.dir;
        const proxy = await startFaultProxy(vault);
        try {
          const { input, service } = await behind(proxy, { installFolder: path.join(disk, 'install'), dataSizeBytes: 0 });
          let filler: string | undefined;
          const stages: string[] = [];
          const onProgress = (stage: string) => {
            stages.push(stage);
            if (stage !== heldAt) return;
            proxy.inject({ ...held, kind: 'delay', delayMs: 1_500 });
            filler = fill(disk, roomBytes);
          };
          const err = await failure(service.register(input, { confirmPassphraseLocation: acceptLocation, onProgress }), 'TargetWriteFailed');
          assert.equal(stages.at(-1), at, `failed at ${stages.at(-1)}`);
          assert.equal(err.params.reason, 'ENOSPC');
          assert.equal(err.params.action, 'freeDiskSpace');
          await assertNoConfig(input);
          const leftovers = (await filesUnder(path.join(disk, 'install', 'config'))).filter((f) => f.endsWith('.tmp'));
          assert.deepEqual(leftovers, []);
          const registeredBefore = await vault.admin.listRegistrations(creds.identity.name);
          assert.equal(registeredBefore.length, at === 'machineIdentity' ? 0 : 1, 'the vault registered the machine before the local write failed');

          await fs.rm(filler!);
          const result = await register(service, input);
          await assertRegisteredOnce(result.registrationId);
          if (at !== 'machineIdentity') assert.equal(result.registrationId, registeredBefore[0]!.registrationId);
        } finally {
          await proxy.close();
        }
      });
    }
  });
});

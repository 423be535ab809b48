import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { createDispatcher } from '../../../src/core/http/dispatcher';
import { downloadAgent, RunPackages, type DownloadProgress } from '../../../src/core/install';
import { resolveProxy } from '../../../src/core/proxy/resolve';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { assertRedacted } from '../../support/redaction';
import { squidUnavailableReason, startSquid, type Squid } from '../../support/squid';
import { buildAgentPackage, startTestVault, tempDir, type TestVault } from '../../support/vault';

const USER = 'installer';
const PASSWORD = 'Dl-pr0xy-secret!';

const sha256 = async (file: string) => createHash('sha256').update(await fs.readFile(file)).digest('hex');
const exists = (file: string) => fs.stat(file).then(() => true, () => false);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected the download to fail'),
    (err: unknown) => err,
  );
}

describe('agent download from the vault', function () {
  this.timeout(60_000);
  let dir: string;
  let agentDir: string;
  let built: Awaited<ReturnType<typeof buildAgentPackage>>;
  let vault: TestVault;
  const dispatchers: Dispatcher[] = [];

  async function direct(): Promise<Dispatcher> {
    const d = await createDispatcher({ tls: { ca: vault.caCertPem, rejectUnauthorized: true } });
    dispatchers.push(d);
    return d;
  }

  /** A fresh, empty cache folder per test. */
  const cacheDir = async () => fs.mkdtemp(path.join(dir, 'cache-'));
  const packageLines = (status: number | string) => vault.logs.filter((l) => l.startsWith(`GET /v1/agent/${built.version} ${status} `));

  before(async () => {
    dir = await tempDir('install-download-');
    agentDir = path.join(dir, 'served');
    built = await buildAgentPackage(agentDir);
    vault = await startTestVault({ agentDir });
  });
  after(async () => {
    await Promise.all(dispatchers.map((d) => d.close()));
    await vault?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    vault.logs.length = 0;
  });

  it('serves callers sharing a cache folder at once with one download; one cancelled while it waits leaves the others alone', async () => {
    const cache = await cacheDir();
    const waiting = new AbortController();
    const calls = Array.from({ length: 6 }, async () => downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache }));
    const cancelled = downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, signal: waiting.signal });
    await new Promise((r) => setTimeout(r, 5));
    waiting.abort();
    const results = await Promise.all(calls);
    assert.ok((await rejection(cancelled)) instanceof CancelledError);
    assert.deepEqual(results.map((r) => r.reused).sort(), [false, true, true, true, true, true], 'one download, then the others reuse it');
    for (const r of results) assert.equal(await sha256(r.file), built.sha256);
    assert.equal(packageLines(200).length, 1, vault.logs.join('\n'));
    assert.equal(await exists(`${results[0]!.file}.partial`), false);
  });

  it('downloads the latest package over TLS, verifies it, reports progress, then reuses it', async () => {
    const cache = await cacheDir();
    const progress: DownloadProgress[] = [];
    const result = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, onProgress: (p) => progress.push(p) });

    assert.deepEqual(result, { version: built.version, file: path.join(cache, `backup-agent-${built.version}.tar.gz`), sha256: built.sha256, size: built.size, reused: false });
    assert.equal(await sha256(result.file), built.sha256);
    assert.equal(await exists(`${result.file}.partial`), false);
    assert.ok(progress.length >= 1);
    assert.deepEqual(progress.at(-1), { receivedBytes: built.size, totalBytes: built.size });
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.receivedBytes > progress[i - 1]!.receivedBytes, 'progress only grows');

    vault.logs.length = 0;
    const again = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache });
    assert.equal(again.reused, true);
    assert.deepEqual(packageLines(200), [], 'a verified package is not downloaded again');
  });

  it("asks for latest once per run and checks a run's package once, again once the file changed; a new run asks again", async () => {
    const cache = await cacheDir();
    const latestLines = () => vault.logs.filter((l) => l.startsWith('GET /v1/agent/latest 200 '));
    const run = new RunPackages();
    const first = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, run });
    const second = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, run });
    assert.deepEqual([first.reused, second.reused], [false, true]);
    assert.equal(latestLines().length, 1, vault.logs.join('\n'));
    assert.equal(packageLines(200).length, 1);

    // Altered in place (same size): the run's earlier check no longer speaks for it.
    const bytes = await fs.readFile(first.file);
    bytes[bytes.length - 1] ^= 0xff;
    await fs.writeFile(first.file, bytes);
    const third = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, run });
    assert.equal(third.reused, false, 'the altered package was checked, refused and downloaded again');
    assert.equal(await sha256(third.file), built.sha256);
    assert.equal(latestLines().length, 1);

    await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, run: new RunPackages() });
    assert.equal(latestLines().length, 2, 'another run asks the vault again');
  });

  it('resumes with a Range request after a download cancelled mid-way', async () => {
    const cache = await cacheDir();
    const controller = new AbortController();
    const err = await rejection(
      downloadAgent({
        endpoint: vault.url,
        dispatcher: await direct(),
        cacheDir: cache,
        signal: controller.signal,
        // The first report comes once the first chunk is on disk.
        onProgress: ({ receivedBytes }) => {
          if (receivedBytes > 0) controller.abort();
        },
      }),
    );
    assert.ok(err instanceof CancelledError, inspect(err));
    const partial = path.join(cache, `backup-agent-${built.version}.tar.gz.partial`);
    const kept = (await fs.stat(partial)).size;
    assert.ok(kept > 0 && kept < built.size, `the partial keeps what arrived (${kept} of ${built.size} bytes)`);

    vault.logs.length = 0;
    const progress: DownloadProgress[] = [];
    const result = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, onProgress: (p) => progress.push(p) });
    assert.equal(await sha256(result.file), built.sha256);
    assert.equal(packageLines(206).length, 1, `the vault served a range: ${vault.logs.join(' | ')}`);
    assert.deepEqual(packageLines(200), []);
    assert.ok(progress[0]!.receivedBytes > kept, 'progress counts from what was already there');
  });

  it('deletes a tampered partial whose completed package does not match the checksum', async () => {
    const cache = await cacheDir();
    const partial = path.join(cache, `backup-agent-${built.version}.tar.gz.partial`);
    const half = (await fs.readFile(built.file)).subarray(0, Math.floor(built.size / 2));
    half[100] = half[100]! ^ 0xff;
    await fs.writeFile(partial, half);

    const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache }));
    assert.ok(isSetupError(err, 'AgentPackageChecksumMismatch'), inspect(err));
    assert.equal(err.params.expectedSha256, built.sha256);
    assert.equal(packageLines(206).length, 1, 'only the missing half was asked for');
    assert.deepEqual(await fs.readdir(cache), [], 'neither the partial nor a package is left');

    const retried = await downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache });
    assert.equal(await sha256(retried.file), built.sha256);
  });

  describe('when latest.json does not describe the served package', () => {
    const latestFile = () => path.join(agentDir, 'latest.json');
    let original: string;
    beforeEach(async () => {
      original = await fs.readFile(latestFile(), 'utf8');
    });
    afterEach(async () => {
      await fs.writeFile(latestFile(), original);
    });
    const announce = (changes: Record<string, unknown>) => fs.writeFile(latestFile(), JSON.stringify({ ...JSON.parse(original), ...changes }));

    it('refuses a package whose checksum differs', async () => {
      await announce({ sha256: 'ab'.repeat(32) });
      const cache = await cacheDir();
      const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache }));
      assert.ok(isSetupError(err, 'AgentPackageChecksumMismatch'), inspect(err));
      assert.equal(err.params.actualSha256, built.sha256);
      assert.deepEqual(await fs.readdir(cache), []);
    });

    it('refuses a package longer than announced without writing past the announced size', async () => {
      await announce({ size: built.size - 1000 });
      const cache = await cacheDir();
      const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache }));
      assert.ok(isSetupError(err, 'AgentPackageSizeMismatch'), inspect(err));
      assert.deepEqual(await fs.readdir(cache), []);
    });

    it('starts over when the vault answers a resume with 416, then refuses the short package', async () => {
      await announce({ size: built.size + 10 });
      const cache = await cacheDir();
      await fs.copyFile(built.file, path.join(cache, `backup-agent-${built.version}.tar.gz.partial`));
      const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache }));
      assert.equal(packageLines(416).length, 1, vault.logs.join(' | '));
      assert.equal(packageLines(200).length, 1, 'then the whole package, from the start');
      assert.ok(isSetupError(err, 'AgentPackageSizeMismatch'), inspect(err));
      assert.equal(err.params.actualBytes, built.size);
    });

    it('refuses a version that could not be a file name', async () => {
      await announce({ version: '../../etc/1.0.0' });
      const cache = await cacheDir();
      const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache }));
      assert.ok(isSetupError(err, 'InvalidResponse'), inspect(err));
      assert.deepEqual(await fs.readdir(cache), []);
    });
  });

  it('stops at once when cancelled before it starts', async () => {
    const cache = await cacheDir();
    const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: cache, signal: AbortSignal.abort() }));
    assert.ok(err instanceof CancelledError);
    assert.deepEqual(vault.logs, []);
  });

  it('reports a vault that cannot be reached with a network code', async () => {
    const closed = await createDispatcher({ tls: { ca: vault.caCertPem, rejectUnauthorized: true }, timeouts: { connectMs: 2_000 } });
    dispatchers.push(closed);
    const err = await rejection(downloadAgent({ endpoint: 'https://127.0.0.1:1', dispatcher: closed, cacheDir: await cacheDir() }));
    assert.ok(isSetupError(err, 'ConnectionRefused'), inspect(err));
  });

  it('names a cache folder it cannot write to, rather than blaming the network', async () => {
    const notAFolder = path.join(await cacheDir(), 'file');
    await fs.writeFile(notAFolder, '');
    const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await direct(), cacheDir: notAFolder }));
    assert.ok(isSetupError(err, 'AgentCacheWriteFailed'), inspect(err));
    assert.ok(String(err.params.file).startsWith(notAFolder), String(err.params.file));
  });

  describe('through a real squid', () => {
    let openSquid: Squid;
    let authSquid: Squid;
    before(async function () {
      const reason = squidUnavailableReason();
      if (reason) {
        console.warn(`    skipping the squid tests: ${reason}`);
        this.skip();
      }
      [openSquid, authSquid] = await Promise.all([startSquid(), startSquid({ auth: { user: USER, password: PASSWORD } })]);
    });
    after(async () => {
      await Promise.all([openSquid?.stop(), authSquid?.stop()]);
    });

    async function proxied(squid: Squid, credentials?: { user: string; password: string }): Promise<Dispatcher> {
      const settings = parseProxySettings({ mode: 'settings', host: '127.0.0.1', port: squid.port, ...credentials });
      const resolution = resolveProxy(settings, vault.url);
      assert.ok(resolution.proxy, 'the vault is reached through the proxy');
      const d = await createDispatcher({ proxy: resolution.proxy, tls: { ca: vault.caCertPem, rejectUnauthorized: true } });
      dispatchers.push(d);
      return d;
    }

    it('downloads through an open proxy', async () => {
      const result = await downloadAgent({ endpoint: vault.url, dispatcher: await proxied(openSquid), cacheDir: await cacheDir() });
      assert.equal(await sha256(result.file), built.sha256);
    });

    it('downloads through a proxy with basic authentication', async () => {
      const result = await downloadAgent({ endpoint: vault.url, dispatcher: await proxied(authSquid, { user: USER, password: PASSWORD }), cacheDir: await cacheDir() });
      assert.equal(await sha256(result.file), built.sha256);
    });

    it('fails with ProxyAuthRequired, and no password in the error, when the proxy refuses the credentials', async () => {
      const cache = await cacheDir();
      const wrong = { user: USER, password: `${PASSWORD}-refused` };
      const err = await rejection(downloadAgent({ endpoint: vault.url, dispatcher: await proxied(authSquid, wrong), cacheDir: cache }));
      assert.ok(isSetupError(err, 'ProxyAuthRequired'), inspect(err));
      assertRedacted(err, wrong);
      assert.deepEqual(vault.logs, [], 'nothing reached the vault');
    });
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { extract } from 'tar';
import { parseRange } from '../../../src/vault/http/agent-routes';
import { AGENT_VERSION } from '../../../src/agent/version';
import { buildAgentPackage, startTestVault, tempDir, vaultClient, type TestVault, type VaultClient } from '../../support/vault';

describe('vault agent download', () => {
  let dir: string;
  let built: Awaited<ReturnType<typeof buildAgentPackage>>;
  let vault: TestVault;
  let client: VaultClient;

  before(async () => {
    dir = await tempDir('vault-agent-');
    built = await buildAgentPackage(path.join(dir, 'agent'));
    vault = await startTestVault({ agentDir: path.join(dir, 'agent') });
    client = vaultClient(vault);
  });
  after(async () => {
    await client.close();
    await vault.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('builds a package that runs and reports the agent version', async () => {
    assert.equal(built.version, AGENT_VERSION);
    const unpacked = path.join(dir, 'unpacked');
    await fs.mkdir(unpacked);
    await extract({ file: built.file, cwd: unpacked });
    const main = path.join(unpacked, 'backup-agent', 'main.js');
    assert.equal(execFileSync(process.execPath, [main, 'version'], { encoding: 'utf8' }).trim(), AGENT_VERSION);
    assert.match(execFileSync(process.execPath, [main, 'help'], { encoding: 'utf8' }), /Usage: backup-agent/);
    const pkg = JSON.parse(await fs.readFile(path.join(unpacked, 'backup-agent', 'package.json'), 'utf8'));
    assert.equal(pkg.version, AGENT_VERSION);
  });

  it('describes the latest package', async () => {
    const res = await client.request('GET', '/v1/agent/latest');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { version: built.version, size: built.size, sha256: built.sha256, url: `${vault.url}/v1/agent/${built.version}` });
  });

  it('serves the whole package with its checksum', async () => {
    const res = await client.request('GET', `/v1/agent/${built.version}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.equal(createHash('sha256').update(res.body).digest('hex'), built.sha256);
  });

  it('resumes a download with Range (206) and the ETag as If-Range', async () => {
    const half = Math.floor(built.size / 2);
    const first = await client.request('GET', `/v1/agent/${built.version}`, { headers: { range: `bytes=0-${half - 1}` } });
    assert.equal(first.status, 206);
    assert.equal(first.headers['content-range'], `bytes 0-${half - 1}/${built.size}`);
    assert.equal(first.body.length, half);
    const rest = await client.request('GET', `/v1/agent/${built.version}`, {
      headers: { range: `bytes=${half}-`, 'if-range': String(first.headers.etag) },
    });
    assert.equal(rest.status, 206);
    const whole = Buffer.concat([first.body, rest.body]);
    assert.equal(createHash('sha256').update(whole).digest('hex'), built.sha256);
  });

  it('sends the whole file when If-Range no longer matches', async () => {
    const res = await client.request('GET', `/v1/agent/${built.version}`, { headers: { range: 'bytes=10-', 'if-range': '"stale"' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, built.size);
  });

  it('answers a range past the end with 416 and the size', async () => {
    const res = await client.request('GET', `/v1/agent/${built.version}`, { headers: { range: `bytes=${built.size}-` } });
    assert.equal(res.status, 416);
    assert.equal(res.headers['content-range'], `bytes */${built.size}`);
    assert.equal(res.json.error.code, 'RangeNotSatisfiable');
  });

  it('answers HEAD with the length only', async () => {
    const res = await client.request('HEAD', `/v1/agent/${built.version}`);
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers['content-length']), built.size);
    assert.equal(res.body.length, 0);
  });

  it('answers an unknown version with 404 AgentPackageUnavailable', async () => {
    const res = await client.request('GET', '/v1/agent/9.9.9');
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'AgentPackageUnavailable');
  });

  it('parses ranges the way RFC 9110 describes', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), [0, 9]);
    assert.deepEqual(parseRange('bytes=90-', 100), [90, 99]);
    assert.deepEqual(parseRange('bytes=-10', 100), [90, 99]);
    assert.deepEqual(parseRange('bytes=-500', 100), [0, 99]);
    assert.deepEqual(parseRange('bytes=95-200', 100), [95, 99]);
    assert.equal(parseRange(undefined, 100), undefined);
    assert.equal(parseRange('bytes=0-1,5-6', 100), undefined, 'multiple ranges: whole file');
    assert.equal(parseRange('items=0-1', 100), undefined);
    assert.equal(parseRange('bytes=9-3', 100), undefined);
    assert.throws(() => parseRange('bytes=100-', 100), { code: 'RangeNotSatisfiable' });
    assert.throws(() => parseRange('bytes=-0', 100), { code: 'RangeNotSatisfiable' });
  });
});

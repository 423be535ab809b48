import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import { ERROR_CATALOGUE } from '../../../src/core/errorCatalogue';
import { inspectCredentialsFile } from '../../../src/core/credentials/inspect';
import { OTHER_VAULT, TEST_VAULT, buildCredentialsCorpus, type CredentialsCorpus } from '../../support/credentials-corpus';

describe('vault credentials: hostile corpus', function () {
  this.timeout(60_000);
  let dir: string;
  let corpus: CredentialsCorpus;
  const now = new Date();

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'credentials-corpus-'));
    corpus = await buildCredentialsCorpus(dir, now);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('accepts the genuine file and reports its identity', async () => {
    const creds = await inspectCredentialsFile(corpus.valid.file, { now });
    assert.equal(creds.vaultName, TEST_VAULT.name);
    assert.equal(creds.resourceId, TEST_VAULT.resourceId);
    assert.equal(creds.fingerprint256, corpus.valid.issued.fingerprint256);
  });

  it('accepts a file for another vault, exposing the identity that registration compares', async () => {
    const creds = await inspectCredentialsFile(corpus.otherVault.file, { now });
    assert.deepEqual(
      { name: creds.vaultName, subscriptionId: creds.subscriptionId, resourceGroup: creds.resourceGroup, resourceId: creds.resourceId },
      { name: OTHER_VAULT.name, subscriptionId: OTHER_VAULT.subscriptionId, resourceGroup: OTHER_VAULT.resourceGroup, resourceId: OTHER_VAULT.resourceId },
    );
    assert.notEqual(creds.resourceId, TEST_VAULT.resourceId);
  });

  it('covers every case the brief lists', () => {
    const names = corpus.hostile.map((c) => c.name);
    for (const required of [
      'expired', 'clock-skew', 'corrupt-base64', 'truncated-xml', 'wrong-root', 'site-recovery-asr', 'site-recovery-rs',
      'legacy', 'xxe', 'entity-bomb', 'huge', 'non-utf8', 'renamed', 'pfx-password', 'pfx-no-key', 'pfx-key-mismatch', 'server-auth-only',
    ]) {
      assert.ok(names.includes(required), required);
    }
  });

  it('refuses each hostile file with its specific code, an agent ID, and no secret', async () => {
    for (const hostile of corpus.hostile) {
      const err = await inspectCredentialsFile(hostile.file, { now }).then(
        () => assert.fail(`${hostile.name} was accepted`),
        (e: unknown) => e,
      );
      assert.ok(isSetupError(err), `${hostile.name}: ${String(err)}`);
      assert.equal(err.code, hostile.code, hostile.name);
      assert.ok(Object.hasOwn(ERROR_CATALOGUE.credentials, err.code), hostile.name);
      assert.match(String(err.params.agentCode), /^345(13|28)$/, hostile.name);
      assertNoSecret(err, corpus.secrets, hostile.name);
    }
  });

  it('says by how much the clock is off, and how long to wait when it is nearly valid', async () => {
    const skew = await rejection(corpus.hostile.find((c) => c.name === 'clock-skew')!.file);
    // Issued two hours ahead, back-dated ten minutes.
    assert.equal(skew.params.skewMinutes, 110);
    const soon = await rejection(corpus.hostile.find((c) => c.name === 'not-yet-valid')!.file);
    assert.equal(soon.params.waitMinutes, 2);
  });

  it('names the vault (and site) of a refused legacy or Site Recovery file', async () => {
    const legacy = await rejection(corpus.hostile.find((c) => c.name === 'legacy')!.file);
    assert.equal(legacy.params.vaultName, TEST_VAULT.name);
    const asr = await rejection(corpus.hostile.find((c) => c.name === 'site-recovery-asr')!.file);
    assert.deepEqual([asr.params.root, asr.params.vaultName, asr.params.siteName], ['ASRVaultCreds', TEST_VAULT.name, 'hyperv-site-1']);
  });

  it('refuses the 100 MB file from its size, without reading it', async () => {
    const huge = corpus.hostile.find((c) => c.name === 'huge')!;
    const before = process.memoryUsage().arrayBuffers;
    const err = await rejection(huge.file);
    assert.equal(err.params.size, 100 * 1024 * 1024);
    assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024);
  });

  async function rejection(file: string): Promise<SetupError> {
    const err = await inspectCredentialsFile(file, { now }).then(() => undefined, (e: unknown) => e);
    assert.ok(isSetupError(err));
    return err;
  }
});

function assertNoSecret(err: SetupError, secrets: string[], label: string): void {
  const text = `${err.message} ${JSON.stringify(err.toJSON())}`;
  for (const secret of secrets) assert.ok(!text.includes(secret), `${label} leaks a secret`);
}

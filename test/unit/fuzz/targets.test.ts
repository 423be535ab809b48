// A short run of every fuzz target (`npm run fuzz` runs them long): no uncaught exception, the
// vault healthy and its state readable afterwards, and the mutations reaching the refusals they
// are meant to reach, so that a generator gone blind fails here too.
import assert from 'node:assert/strict';
import { runTarget, type AnyTarget } from '../../../fuzz/lib/loop';
import { reportLines } from '../../../fuzz/lib/report';
import { TARGETS } from '../../../fuzz/targets';

/** Inputs per target, and outcomes the run must meet at least once. */
const SHORT_RUNS: Record<string, { count: number; outcomes: string[] }> = {
  credentials: { count: 2000, outcomes: ['accepted', 'VaultCredentialInvalidEncoding', 'VaultCredentialMalformedXml', 'VaultCredentialInvalidField', 'VaultCredentialCorruptCertificate'] },
  'ssh-config': { count: 2000, outcomes: ['accepted'] },
  'known-hosts': { count: 1000, outcomes: ['accepted', 'unknown-or-changed'] },
  webview: { count: 2000, outcomes: ['accepted', 'host: not the protocol', 'page: not the protocol', 'page: result does not fit'] },
  vault: { count: 400, outcomes: ['accepted', '400 400', '401 AdminTokenRequired', '404 NotFound', '405 MethodNotAllowed'] },
  arm: { count: 400, outcomes: ['accepted', '400 InvalidApiVersionParameter', '400 MissingApiVersionParameter', '401 InvalidAuthenticationToken', '404 ResourceNotFound'] },
  'arm-client': { count: 1000, outcomes: ['accepted', 'AzureVaultCertificateResponseInvalid'] },
};

describe('fuzz targets: a short run of each', function () {
  this.timeout(180_000);

  it('has a short run for every target', () => {
    assert.deepEqual(TARGETS.map((t) => t.name).sort(), Object.keys(SHORT_RUNS).sort());
  });

  for (const target of TARGETS as AnyTarget[]) {
    const { count, outcomes } = SHORT_RUNS[target.name]!;
    it(`${target.name}: ${count} inputs, each accepted or refused with a typed error`, async () => {
      const figures = await runTarget(target, { count, seed: 0x5eed });
      for (const line of reportLines(figures)) console.log(`      ${line}`);
      assert.equal(figures.inputs, count);
      assert.deepEqual(figures.failures.filter((f) => f.kind === 'uncaught'), []);
      for (const [check, ok] of Object.entries(figures.after)) assert.ok(ok, check);
      const seen = new Set([...figures.rejected.keys(), ...(figures.accepted ? ['accepted'] : [])]);
      for (const outcome of outcomes) assert.ok(seen.has(outcome), `no input came to ${outcome}`);
    });
  }
});

/**
 * Credentials the setup must refuse, each with its own code and next step, whether this machine
 * sees the problem (the file's dates, its flavour) or only the vault does (a newer file was
 * downloaded, the clocks disagree); through the service and through the CLI alike.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError } from '../../../src/core/errors';
import { buildCredentialsCorpus, type CredentialsCorpus } from '../../support/credentials-corpus';
import { acceptLocation, runCli, serviceFor, setupInput, startServiceVault, tempDir, TEST_PASSPHRASE, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, issueTestCredentials, type TestVault } from '../../support/vault';

const HOUR = 3_600_000;

interface Case {
  name: string;
  code: ErrorCode;
  action: string;
  /** The vault, not this machine, refused it (and says so). */
  byVault?: true;
  /** Makes the credentials file; `restore` undoes a vault clock change after the checks. */
  file(): Promise<{ file: string; restore?: () => void }>;
}

describe('refused credentials surface their own code', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let root: string;
  let corpus: CredentialsCorpus;
  let caFile: string;

  before(async () => {
    vault = await startServiceVault();
    root = await tempDir('service-credentials-');
    corpus = await buildCredentialsCorpus(await fs.mkdtemp(path.join(root, 'corpus-')), new Date());
    caFile = path.join(root, 'vault-ca.pem');
    await fs.writeFile(caFile, vault.caCertPem);
  });
  after(async () => {
    await vault?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const fromCorpus = (name: string) => async () => ({ file: corpus.hostile.find((c) => c.name === name)!.file });
  /** A genuine file for a fresh vault, with the vault's clock then moved by `shiftMs`. */
  const withVaultClock = (shiftMs: number) => async () => {
    const creds = await createVaultWithCredentials(vault);
    vault.clock.advance(shiftMs);
    return { file: await writeCredentials(await fs.mkdtemp(path.join(root, 'vault-')), creds.file), restore: () => vault.clock.advance(-shiftMs) };
  };

  const cases: Case[] = [
    { name: 'expired (seen here)', code: 'CBPUserExpiredVaultCredential', action: 'downloadNewCredentials', file: fromCorpus('expired') },
    { name: 'not yet valid (seen here)', code: 'VaultCredentialNotYetValid', action: 'waitAndRetry', file: fromCorpus('not-yet-valid') },
    { name: 'a Site Recovery file', code: 'VaultCredentialSiteRecovery', action: 'downloadNewCredentials', file: fromCorpus('site-recovery-asr') },
    // A file the vault's clock judges otherwise than the server's: the server compares the clocks
    // before it registers, so the skew is named rather than the vault's verdict on the file.
    { name: 'expired by the vault’s clock, 49 hours ahead', code: 'ServerClockSkew', action: 'checkClock', file: withVaultClock(49 * HOUR) },
    { name: 'not yet valid by the vault’s clock, 11 minutes behind', code: 'ServerClockSkew', action: 'checkClock', file: withVaultClock(-11 * 60_000) },
    {
      name: 'superseded by a newer download',
      code: '34513',
      action: 'downloadNewCredentials',
      byVault: true,
      async file() {
        const creds = await createVaultWithCredentials(vault);
        await issueTestCredentials(vault, creds.identity.name);
        return { file: await writeCredentials(await fs.mkdtemp(path.join(root, 'superseded-')), creds.file) };
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code}`, async () => {
      const { file, restore } = await c.file();
      const work = await fs.mkdtemp(path.join(root, 'work-'));
      try {
        const { service } = serviceFor(work, vault);
        const err = await service.register(setupInput(file, work), { confirmPassphraseLocation: acceptLocation }).then(
          () => assert.fail('should be refused'),
          (e: unknown) => e,
        );
        assert.ok(isSetupError(err, c.code), inspect(err));
        assert.equal(err.params.action, c.action);
        assert.equal(err.params.httpStatus !== undefined, c.byVault === true, 'refused by the vault, or already here');

        const run = await runCli(
          ['register', '--credentials', file, '--install-folder', path.join(work, 'install'), '--data-size', '0', '--ca', caFile, '--json'],
          { env: { BACKUP_PASSPHRASE: TEST_PASSPHRASE, XDG_CACHE_HOME: path.join(work, 'cache') } },
        );
        assert.equal(run.code, 1, run.stderr);
        assert.equal(run.json?.error?.code, c.code, run.stdout);
        assert.equal(run.json.error.params.action, c.action);
      } finally {
        restore?.();
      }
    });
  }
});

// The vault backend contract against the real local vault, with a machine registered on this one
// by the real reference agent.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ReferenceAgentDriver } from '../../../src/core/agents/reference/driver';
import { agentLayout } from '../../../src/core/config/layout';
import { isSetupError } from '../../../src/core/errors';
import { LocalTarget } from '../../../src/core/target/local';
import { endpointKey } from '../../../src/core/trust/endpoint';
import { adminIssuer, LocalVaultBackend } from '../../../src/core/vault/local';
import { acceptLocation, captureLogger, serviceFor, setupInput, startServiceVault, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, tempDir } from '../../support/vault';
import { backendContract } from './backendContract';

backendContract('the local vault', async () => {
  const vault = await startServiceVault();
  const root = await tempDir('backend-contract-');
  try {
    const creds = await createVaultWithCredentials(vault);
    const input = setupInput(await writeCredentials(root, creds.file), root);
    await serviceFor(root, vault).service.register(input, { confirmPassphraseLocation: acceptLocation });

    const target = new LocalTarget();
    const logger = captureLogger();
    const network = { requestTimeoutMs: 5_000, retry: { retries: 1, baseDelayMs: 50, maxDelayMs: 100 } };
    const backend = new LocalVaultBackend({
      logger,
      trust: [{ endpoint: endpointKey(vault.url), pem: vault.caCertPem }],
      network,
      issuer: adminIssuer(vault.admin),
    });
    const agent = new ReferenceAgentDriver({ target, logger, access: backend.access, downloadCacheDir: path.join(root, 'downloads'), network });
    return {
      backend,
      agent,
      machine: { layout: agentLayout(target, input.installFolder!), vault: await backend.access.endpoint(vault.url) },
      vaultName: creds.identity.name,
      unknownVaultName: 'no-such-vault',
      // The discard port: nothing listens there.
      deadEndpoint: 'https://127.0.0.1:9',
      close: async () => {
        await vault.close();
        await fs.rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await vault.close();
    await fs.rm(root, { recursive: true, force: true });
    throw err;
  }
});

describe('The local vault backend without the vault at hand', () => {
  it('refuses to issue a credentials file, saying where one is issued', async () => {
    const backend = new LocalVaultBackend({ logger: captureLogger() });
    await backend.issueCredentials('lab1').then(
      () => assert.fail('issued'),
      (err: unknown) => assert.ok(isSetupError(err, 'CredentialsIssuerUnavailable') && err.params.action === 'downloadNewCredentials' && /backup-vault credentials lab1/.test(err.message), String(err)),
    );
  });

  it('refuses to generate a security PIN, saying where one is generated', async () => {
    const backend = new LocalVaultBackend({ logger: captureLogger() });
    await backend.securityPin('lab1').then(
      () => assert.fail('issued'),
      (err: unknown) => assert.ok(isSetupError(err, 'SecurityPinIssuerUnavailable') && err.params.action === 'generateNewSecurityPin' && /backup-vault security-pin lab1/.test(err.message), String(err)),
    );
  });
});

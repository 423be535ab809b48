/**
 * Signing in from a terminal (@azure/identity: Azure CLI, then environment). This machine has
 * neither an Azure CLI login nor a service principal, so only the no-credential refusal can be
 * shown here; a real sign-in is unverified.
 */
import assert from 'node:assert/strict';
import { isSetupError } from '../../../../src/core/errors';
import { parseProxySettings } from '../../../../src/core/proxy/settings';
import { ArmSession } from '../../../../src/core/vault/azure/arm';
import { armEndpoint, DEFAULT_CLOUD } from '../../../../src/core/vault/azure/endpoint';
import { azureCliOrEnvironment } from '../../../../src/core/vault/azure/identity';
import { captureLogger } from '../../../support/service';

describe('Azure sign-in from a terminal (@azure/identity)', function () {
  this.timeout(60_000);
  const saved = { ...process.env };
  before(() => {
    // No `az` on PATH and no service principal in the environment: what these machines have.
    for (const key of Object.keys(process.env)) if (key.startsWith('AZURE_')) delete process.env[key];
  });
  after(() => {
    Object.assign(process.env, saved);
  });

  it('refuses with AzureCredentialUnavailable and its next step when neither the Azure CLI nor the environment has a sign-in', async () => {
    const source = azureCliOrEnvironment(DEFAULT_CLOUD);
    assert.deepEqual(source.issuedFor, { kind: 'microsoft', cloud: 'AzureCloud' });
    const err = await source.credential.getToken('https://management.azure.com/.default').then(
      () => assert.fail('a token was found'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, 'AzureCredentialUnavailable'), String(err));
    assert.equal(err.params.action, 'signInToAzure');
    assert.match(err.message, /az login/);
  });

  it('makes an ARM call fail with that refusal before anything is sent', async () => {
    const logger = captureLogger();
    const arm = new ArmSession({ endpoint: armEndpoint(), token: azureCliOrEnvironment(DEFAULT_CLOUD), logger, proxy: parseProxySettings({ mode: 'off' }) });
    try {
      const err = await arm.listVaults('00000000-0000-0000-0000-000000000000').then(
        () => assert.fail('listed'),
        (e: unknown) => e,
      );
      assert.ok(isSetupError(err, 'AzureCredentialUnavailable'), String(err));
      assert.ok(!logger.lines.some((l) => l.startsWith('debug ARM')), 'no request went out');
    } finally {
      await arm.close();
    }
  });
});

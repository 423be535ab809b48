// The vault backend contract against the local vault reached as Azure is: its credentials files
// come from the ARM emulator (certificate upload, file composed in core), chosen as the local vault
// because the emulator is the configured Resource Manager endpoint; the machine is registered by
// the real reference agent with such a file.
import { randomUUID } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { ReferenceAgentDriver } from '../../../src/core/agents/reference/driver';
import { agentLayout } from '../../../src/core/config/layout';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { Secret } from '../../../src/core/secret';
import { LocalTarget } from '../../../src/core/target/local';
import { endpointKey } from '../../../src/core/trust/endpoint';
import { ArmSession } from '../../../src/core/vault/azure/arm';
import { armIssuer } from '../../../src/core/vault/azure/armIssuer';
import { armEndpoint } from '../../../src/core/vault/azure/endpoint';
import { fixedToken } from '../../../src/core/vault/azure/token';
import { LocalVaultBackend } from '../../../src/core/vault/local';
import { acceptLocation, captureLogger, serviceFor, setupInput, startServiceVault, writeCredentials } from '../../support/service';
import { tempDir } from '../../support/vault';
import { backendContract } from './backendContract';

backendContract('the local vault through its ARM emulator', async () => {
  const vault = await startServiceVault();
  const root = await tempDir('emulator-contract-');
  const logger = captureLogger();
  const trust = [{ endpoint: endpointKey(vault.url), pem: vault.caCertPem }];
  const scope = { subscriptionId: randomUUID(), resourceGroup: 'rg-contract' };
  const arm = new ArmSession({
    endpoint: armEndpoint(vault.url),
    token: fixedToken(new Secret(readFileSync(path.join(vault.dataDir, 'arm-token'), 'utf8').trim()), vault.url),
    logger,
    proxy: parseProxySettings({ mode: 'off' }),
    trust,
  });
  const close = async () => {
    await arm.close();
    await vault.close();
    await fs.rm(root, { recursive: true, force: true });
  };
  try {
    const name = `v${randomUUID().slice(0, 8)}`;
    await vault.admin.createVault({ name, ...scope, location: 'westeurope' });
    const issuer = armIssuer(arm, scope);
    const input = setupInput(await writeCredentials(root, await issuer.issueCredentials(name)), root);
    await serviceFor(root, vault, { armEndpoint: vault.url }).service.register(input, { confirmPassphraseLocation: acceptLocation });

    const target = new LocalTarget();
    const network = { requestTimeoutMs: 5_000, retry: { retries: 1, baseDelayMs: 50, maxDelayMs: 100 } };
    const backend = new LocalVaultBackend({ logger, trust, network, issuer });
    const agent = new ReferenceAgentDriver({ target, logger, access: backend.access, downloadCacheDir: path.join(root, 'downloads'), network });
    return {
      backend,
      agent,
      machine: { layout: agentLayout(target, input.installFolder!), vault: await backend.access.endpoint(vault.url) },
      vaultName: name,
      unknownVaultName: 'no-such-vault',
      deadEndpoint: 'https://127.0.0.1:9',
      choiceOptions: { armEndpoint: vault.url },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
});

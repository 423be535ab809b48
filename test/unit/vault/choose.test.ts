/**
 * Which vault service and agent a credentials file means, and the first step's refusal of a
 * server that cannot run that agent: files from the real issuer (src/vault/issuer.ts) and the real
 * local vault, read by the real parser, on the real LocalTarget and through the CLI.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Environment } from '@azure/ms-rest-azure-env';
import { parseCredentials } from '../../../src/core/credentials/parse';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { LocalTarget } from '../../../src/core/target/local';
import { AZURE_CLOUDS, azureCloudOf } from '../../../src/core/vault/clouds';
import { chooseVault, requireAgentRunsOn } from '../../../src/core/vault/choose';
import { issueCredentials, type VaultIdentity } from '../../../src/vault/issuer';
import { runCli, serviceFor, setupInput, startServiceVault, writeCredentials } from '../../support/service';
import { createVaultWithCredentials, tempDir, type TestVault } from '../../support/vault';

const VAULT: VaultIdentity = {
  name: 'contoso-rsv',
  subscriptionId: '8c4e8f5a-6f2e-4b7e-9c1d-3a2b1c0d9e8f',
  resourceGroup: 'backup-rg',
  location: 'eastus',
  resourceId: '4547893418129453329',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
};
/** What an Azure file links to: the MARS agent's download, not a vault's own /v1/agent route. */
const MARS_LINKS = [{ name: 'MARSAgentInstaller', url: 'https://aka.ms/azurebackup_agent' }];

/** An Azure-format file from the real issuer, with `endpoint` as its IdMgmtRestEndpoint. */
async function azureFile(endpoint: string) {
  const issued = await issueCredentials({ vault: VAULT, endpoint, agentLinks: MARS_LINKS });
  return { issued, credentials: parseCredentials(Buffer.from(issued.xml), issued.fileName) };
}

function refusal(fn: () => unknown, code: ErrorCode): SetupError {
  try {
    fn();
  } catch (err) {
    assert.ok(isSetupError(err, code), `expected ${code}, got ${String(err)}`);
    return err;
  }
  return assert.fail(`expected ${code}`);
}

describe('Choosing the vault backend and the agent', function () {
  this.timeout(60_000);

  it('takes a file whose endpoint is under Azure Backup for Azure and the MARS agent', async () => {
    const { credentials } = await azureFile('https://pod01-id1.eus.backup.windowsazure.com');
    assert.deepEqual(chooseVault(credentials), { backend: 'azure', agent: 'mars', cloud: 'AzureCloud' });
  });

  it('knows the sovereign clouds: US Government, China, Germany', async () => {
    const { credentials } = await azureFile('https://pod01-id1.ugv.backup.windowsazure.us/');
    assert.deepEqual(chooseVault(credentials), { backend: 'azure', agent: 'mars', cloud: 'AzureUSGovernment' });
    assert.equal(azureCloudOf('https://pod01-id1.sha2.backup.windowsazure.cn')?.name, 'AzureChinaCloud');
    assert.equal(azureCloudOf('https://pod01-id1.gec.backup.windowsazure.de')?.name, 'AzureGermanCloud');
    assert.equal(azureCloudOf('https://POD01-ID1.EUS.Backup.WindowsAzure.com.')?.name, 'AzureCloud', 'DNS names ignore case and a final dot');
  });

  it('has a Backup domain for every cloud the package knows, with its Resource Manager endpoint', () => {
    const packaged = [Environment.AzureCloud, Environment.ChinaCloud, Environment.USGovernment, Environment.GermanCloud];
    assert.deepEqual(AZURE_CLOUDS.map((c) => c.name), packaged.map((e) => e.name));
    assert.equal(AZURE_CLOUDS.find((c) => c.name === 'AzureUSGovernment')?.resourceManagerEndpointUrl, Environment.USGovernment.resourceManagerEndpointUrl);
  });

  it('refuses a lookalike host and plain http, matching whole labels over https only', async () => {
    for (const endpoint of ['https://pod01-id1.eus.backup.windowsazure.com.evil.example', 'https://evilbackup.windowsazure.com', 'https://backup.windowsazure.com']) {
      const { credentials } = await azureFile(endpoint);
      const err = refusal(() => chooseVault(credentials), 'VaultBackendUnknown');
      assert.equal(err.params.host, new URL(endpoint).host);
      assert.equal(err.params.action, 'selectCredentials');
    }
    // The parser refuses http already; the choice does not lean on that.
    const { credentials } = await azureFile('https://pod01-id1.eus.backup.windowsazure.com');
    refusal(() => chooseVault({ ...credentials, endpoint: 'http://pod01-id1.eus.backup.windowsazure.com' }), 'VaultBackendUnknown');
    assert.equal(azureCloudOf('http://pod01-id1.eus.backup.windowsazure.com'), undefined);
  });

  it('takes a file composed from the configured non-Azure Resource Manager (the emulator) for the local vault; an Azure file stays Azure', async () => {
    const emulator = 'https://127.0.0.1:8443';
    const { credentials } = await azureFile(`${emulator}/`);
    assert.deepEqual(chooseVault(credentials, { armEndpoint: emulator }), { backend: 'local', agent: 'reference' });
    // Without that configuration, or with another port, the file is nobody's.
    refusal(() => chooseVault(credentials), 'VaultBackendUnknown');
    refusal(() => chooseVault(credentials, { armEndpoint: 'https://127.0.0.1:9443' }), 'VaultBackendUnknown');
    // An Azure cloud's own Resource Manager never makes a file local.
    const { credentials: azure } = await azureFile('https://pod01-id1.eus.backup.windowsazure.com');
    assert.deepEqual(chooseVault(azure, { armEndpoint: emulator }), { backend: 'azure', agent: 'mars', cloud: 'AzureCloud' });
    const azureArm = await azureFile('https://management.azure.com/');
    refusal(() => chooseVault(azureArm.credentials, { armEndpoint: 'https://management.azure.com/' }), 'VaultBackendUnknown');
  });

  it('refuses the MARS agent on anything but Windows, and the reference agent on Windows', () => {
    const mars = { backend: 'azure', agent: 'mars' } as const;
    const reference = { backend: 'local', agent: 'reference' } as const;
    requireAgentRunsOn(mars, { platform: 'win32' }, 'win-01');
    requireAgentRunsOn(reference, { platform: 'linux' }, 'lin-01');
    requireAgentRunsOn(reference, { platform: 'darwin' }, 'mac-01');
    const onLinux = refusal(() => requireAgentRunsOn(mars, { platform: 'linux' }, 'lin-01'), 'AgentNeedsWindows');
    assert.equal(onLinux.message, 'This credentials file is for the MARS agent on Windows; lin-01 runs Linux.');
    const onWindows = refusal(() => requireAgentRunsOn(reference, { platform: 'win32' }, 'win-01'), 'AgentNeedsLinux');
    assert.equal(onWindows.message, 'This credentials file is for the reference agent on Linux; win-01 runs Windows.');
  });

  describe('against the real local vault', () => {
    let vault: TestVault;
    let root: string;

    before(async () => {
      vault = await startServiceVault();
      root = await tempDir('choose-');
    });
    after(async () => {
      await vault?.close();
      await fs.rm(root, { recursive: true, force: true });
    });

    it("takes the local vault's own file for the local vault and the reference agent", async () => {
      const creds = await createVaultWithCredentials(vault);
      const credentials = parseCredentials(Buffer.from(creds.file.xml), creds.file.fileName);
      assert.deepEqual(chooseVault(credentials), { backend: 'local', agent: 'reference' });
      const { service } = serviceFor(root, vault);
      const file = await writeCredentials(root, creds.file);
      assert.equal((await service.inspectCredentials(file)).vaultName, creds.identity.name);
      // What step 1 shows once the file is accepted (the setup page, the fleet summary).
      const described = await service.describeCredentials(file);
      assert.deepEqual([described.vaultName, described.backend, described.agent], [creds.identity.name, 'local', 'reference']);
      const plan = await service.plan(setupInput(file, root));
      assert.deepEqual([plan.backend, plan.agent], ['local', 'reference'], 'the plan states backend and agent before anything runs');
    });

    it('refuses an Azure file at step 1 on this Linux machine, naming the MARS agent on Windows', async function () {
      if (os.platform() !== 'linux') this.skip();
      const { issued } = await azureFile('https://pod01-id1.eus.backup.windowsazure.com');
      const file = path.join(root, issued.fileName);
      await fs.writeFile(file, issued.xml);
      const target = new LocalTarget();
      const { service } = serviceFor(root, vault);
      const err = await service.inspectCredentials(file).then(
        () => assert.fail('accepted'),
        (e: unknown) => e,
      );
      assert.ok(isSetupError(err, 'AgentNeedsWindows'), String(err));
      assert.equal(err.message, `This credentials file is for the MARS agent on Windows; ${target.label} runs Linux.`);
      assert.deepEqual(err.params, { server: target.label, targetOs: 'Linux', action: 'selectCredentials' });

      const cli = await runCli(['inspect', file, '--json'], { env: { XDG_CACHE_HOME: path.join(root, 'cache') } });
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      assert.equal(cli.json.error.code, 'AgentNeedsWindows');
      assert.match(cli.json.error.message, /MARS agent on Windows; .* runs Linux\./);
    });
  });
});

/**
 * The client side of Azure Resource Manager (src/core/vault/azure): the certificate upload's
 * answer, as the local vault's emulator really sent it, mutated as JSON fields and as raw text
 * (which keeps its int64 digits), turned into a credentials file by composeAzureCredentials;
 * a file it writes must then read back through the credentials parser (else the run fails).
 */
import { parseCredentials } from '../../src/core/credentials/parse';
import { RECOVERY_SERVICES_API_VERSION } from '../../src/core/vault/azure/apiVersions';
import { makeVaultCertificate } from '../../src/core/vault/azure/certificate';
import { composeAzureCredentials, type AzureVault } from '../../src/core/vault/azure/credentialsFile';
import { vaultClient } from '../../test/support/vault';
import { startFuzzVault } from '../lib/http';
import { ACCEPTED, type Target } from '../lib/loop';
import { COMMON_WORDS, mutateBytes, mutateJson } from '../lib/mutate';
import { typedOutcome } from '../lib/typed';
import { ARM_SUBSCRIPTION } from './arm';

const WORDS = [...COMMON_WORDS, '"resourceId":', '"authType":"AzureActiveDirectory"', '"properties":', '12345678901234567890', '1e400', 'https://', '<', '&'];

export const armClientTarget: Target<{ body: string }> = {
  name: 'arm-client',
  async open() {
    const now = new Date();
    const vault: AzureVault = { name: 'fz-arm', subscriptionId: ARM_SUBSCRIPTION, resourceGroup: 'rg-fuzz', location: 'westeurope' };
    const certificate = await makeVaultCertificate(vault.name, vault.subscriptionId, now);
    // One real answer: the upload, to a vault started for it.
    const fv = await startFuzzVault();
    const client = vaultClient(fv.vault);
    let answer: string;
    try {
      await fv.vault.admin.createVault({ name: vault.name, subscriptionId: vault.subscriptionId, resourceGroup: vault.resourceGroup, location: vault.location });
      const path = `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}/certificates/c1?api-version=${RECOVERY_SERVICES_API_VERSION}`;
      const response = await client.request('PUT', path, { body: certificate.requestBody, headers: { authorization: `Bearer ${fv.armToken}`, 'content-type': 'application/json' } });
      if (response.status !== 200) throw new Error(`the certificate upload failed: ${response.status} ${response.body.toString('utf8')}`);
      answer = response.body.toString('utf8');
    } finally {
      await client.close();
      await fv.close();
    }
    const parsedAnswer = JSON.parse(answer) as unknown;
    return {
      generate(r) {
        if (r.chance(0.5)) return { body: mutateBytes(Buffer.from(answer), r, WORDS).toString('utf8') };
        let value = mutateJson(parsedAnswer, r, WORDS);
        if (r.chance(0.3)) value = mutateJson(value, r, WORDS);
        return { body: JSON.stringify(value) ?? '' };
      },
      run({ body }) {
        let file: { fileName: string; xml: string } | undefined;
        const outcome = typedOutcome(['backend'], () => (file = composeAzureCredentials({ vault, responseBody: body, certificate, now })));
        if (outcome !== ACCEPTED || !file) return outcome;
        const written = file;
        const read = typedOutcome(['credentials'], () => parseCredentials(Buffer.from(written.xml), written.fileName, now));
        if (read !== ACCEPTED) throw new Error(`composeAzureCredentials wrote a file that parseCredentials refuses with ${read}`);
        return ACCEPTED;
      },
      close: async () => undefined,
    };
  },
};

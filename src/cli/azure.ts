/**
 * `azure credentials` and `azure servers`: a vault named as the portal names it, reached through
 * the core's ARM session (src/core/vault/azure/arm.ts, which loads the Azure SDKs: this module is
 * imported only when an azure command runs). The token comes from stdin (--token-stdin) or from
 * the Azure CLI's or the environment's sign-in, and goes only to the Resource Manager it is for.
 */
import { endpointKey } from '../core/trust/endpoint';
import { ArmSession, type VaultRef } from '../core/vault/azure/arm';
import { armEndpoint, type ArmEndpoint } from '../core/vault/azure/endpoint';
import { checkVaultNames } from '../core/vault/azure/names';
import { azureCliOrEnvironment } from '../core/vault/azure/identity';
import { fixedToken, type ArmTokenSource } from '../core/vault/azure/token';
import { UsageError } from './args';
import type { CliContext, Tools } from './commands';
import { readTrustedCa } from './secrets';
import { say, t } from './strings';

export async function azureCredentials(ctx: CliContext, tools: Tools): Promise<void> {
  const out = tools.string('out');
  if (!out) throw new UsageError(say('credentialsNeedsOut'));
  await withSession(ctx, tools, async (arm, ref) => {
    const { file, fileName } = await arm.saveFreshCredentials(ref, out, { signal: ctx.signal });
    ctx.output.done('azure credentials', { file, fileName, ...ref }, [
      t('wroteCredentials', file),
      t('earlierFilesStop', ref.vault),
    ]);
  });
}

export async function azureServers(ctx: CliContext, tools: Tools): Promise<void> {
  await withSession(ctx, tools, async (arm, ref) => {
    const servers = await arm.listServers(ref, ctx.signal);
    ctx.output.done('azure servers', { ...ref, servers }, [
      t(servers.length === 1 ? 'vaultServersOne' : 'vaultServersMany', ref.vault, ref.resourceGroup, servers.length),
      ...servers.map(
        (s) =>
          `  ${s.friendlyName}  ${[s.registrationStatus, s.healthStatus, s.agentVersion && t('serverAgent', s.agentVersion), t('serverItems', s.protectedItemCount ?? s.backupItems.length), s.lastBackupAt ? t('lastBackup', s.lastBackupAt, s.lastBackupStatus ?? t('statusUnknown')) : t('noBackupYet')]
            .filter(Boolean)
            .join(', ')}`,
      ),
    ]);
  });
}

async function withSession(ctx: CliContext, tools: Tools, work: (arm: ArmSession, ref: VaultRef) => Promise<void>): Promise<void> {
  const ref = vaultRef(tools);
  await withArmSession(ctx, tools, (arm) => work(arm, ref));
}

/**
 * A session with the Resource Manager --arm-endpoint names (else Azure's public cloud), signed in
 * with --token-stdin's token or Azure's tools' sign-in: also the MARS driver's (./mars.ts).
 */
export async function withArmSession<T>(ctx: CliContext, tools: Tools, work: (arm: ArmSession) => Promise<T>): Promise<T> {
  const endpoint = armEndpoint(tools.string('arm-endpoint'));
  const token = await tokenSource(tools, endpoint);
  const arm = new ArmSession({
    endpoint,
    token,
    logger: ctx.output.logger(),
    proxy: await tools.proxySettings(),
    proxyContext: { env: ctx.env },
    trust: await emulatorTrust(tools, ctx, endpoint),
  });
  try {
    return await work(arm);
  } finally {
    await arm.close();
  }
}

function vaultRef(tools: Tools): VaultRef {
  const [subscriptionId, resourceGroup, vault] = ['subscription', 'resource-group', 'vault'].map((o) => tools.string(o));
  if (!subscriptionId || !resourceGroup || !vault) throw new UsageError(say('nameTheVault'));
  return checkVaultNames({ subscriptionId, resourceGroup, vault });
}

/** --token-stdin's token, for the endpoint it is used with; else Microsoft's sign-in, for an Azure cloud only. */
async function tokenSource(tools: Tools, endpoint: ArmEndpoint): Promise<ArmTokenSource> {
  const { token } = await tools.secrets();
  if (token) return fixedToken(token, endpoint.url);
  if (!endpoint.cloud) {
    throw new UsageError(say('tokenRequired', new URL(endpoint.url).host), 'CliTokenRequired');
  }
  return azureCliOrEnvironment(endpoint.cloud);
}

/** --ca (or BACKUP_VAULT_CA), trusted for a configured endpoint only: an Azure cloud's Resource Manager keeps the system's store. */
async function emulatorTrust(tools: Tools, ctx: CliContext, endpoint: ArmEndpoint) {
  if (endpoint.cloud) return undefined;
  const pem = await readTrustedCa(tools.string('ca'), ctx.env);
  return pem ? [{ endpoint: endpointKey(endpoint.url), pem }] : undefined;
}

/**
 * Azure Resource Manager through the ecosystem's clients (@azure/arm-recoveryservices,
 * @azure/arm-recoveryservicesbackup, @azure/arm-resources-subscriptions) at the api-versions apiVersions.ts pins, over the project's
 * network stack (httpClient.ts) and with a token only for the Resource Manager it was issued for
 * (token.ts). The operations a surface needs: the tenants, subscriptions and vaults with the names
 * the portal shows, a fresh
 * credentials file (what `Get-AzRecoveryServicesVaultSettingsFile -Backup` does, ARM facts §1),
 * the vault's registered servers and their removal, and the security PIN a passphrase change needs.
 *
 * This module loads the Azure SDKs: adapters import it with `await import()`, so they stay out
 * of the common path.
 */
import { RecoveryServicesClient, type Vault } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient, type GenericRecoveryPoint, type MabContainer, type MabFileFolderProtectedItem } from '@azure/arm-recoveryservicesbackup';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { credentialsFileName } from '../../credentials/format';
import { withRetry, type RetryOptions } from '../../http/retry';
import type { IssuedCredentialsFile, SecurityPin } from '../backend';
import { reserveCredentialsFile, type ReservedFile } from '../saveIssued';
import { SetupError } from '../../errors';
import { nextStep } from '../../nextActions';
import { Secret } from '../../secret';
import { RECOVERY_SERVICES_API_VERSION, RECOVERY_SERVICES_BACKUP_API_VERSION, SUBSCRIPTIONS_API_VERSION } from './apiVersions';
import { armError, type ArmCall } from './armErrors';
import { makeVaultCertificate } from './certificate';
import { composeAzureCredentials, type AzureVault } from './credentialsFile';
import type { ArmEndpoint } from './endpoint';
import { armHttpClient, type ArmNetwork, type ClosableHttpClient } from './httpClient';
import { requireTokenFor, type ArmTokenSource } from './token';

export interface ArmSessionOptions extends ArmNetwork {
  endpoint: ArmEndpoint;
  token: ArmTokenSource;
  /** Retries of 429 (after Retry-After) and 5xx; the SDK's own retry policies are off. */
  retry?: Omit<RetryOptions, 'signal'>;
}

export interface FreshCredentialsOptions {
  /** Dates the certificate and the file name; now unless given. */
  now?: Date;
  signal?: AbortSignal;
  /** Called with the file's name before the upload, which supersedes every earlier file: the last moment to refuse. */
  beforeUpload?: (fileName: string) => Promise<void>;
}

/** A vault by the three names the portal shows. */
export interface VaultRef {
  subscriptionId: string;
  resourceGroup: string;
  vault: string;
}

/** A directory (Microsoft Entra tenant) the account can sign in to, as the portal's directory switcher names it. */
export interface TenantSummary {
  tenantId: string;
  displayName?: string;
  defaultDomain?: string;
}

/** A subscription as the portal names it. */
export interface SubscriptionSummary {
  subscriptionId: string;
  displayName: string;
  /** The directory the subscription belongs to. */
  tenantId?: string;
  /** `Enabled`, `Warned`, `PastDue`, `Disabled` or `Deleted`. */
  state?: string;
}

/** A vault as a picker lists it: its name, resource group and region. */
export interface VaultSummary extends VaultRef {
  /** ARM location (region), e.g. `westeurope`. */
  location: string;
  id: string;
}

/** A registered server (MAB container) as the vault reports it. */
export interface RegisteredServer {
  /** The container's name: what removing the registered identity takes. */
  name: string;
  friendlyName: string;
  registrationStatus?: string;
  healthStatus?: string;
  agentVersion?: string;
  protectedItemCount?: number;
  /** The backup items' names (files and folders) the vault lists for it. */
  backupItems: string[];
  /** The latest backup of any of its items (ISO 8601), and that backup's status; absent when the vault reports none. */
  lastBackupAt?: string;
  lastBackupStatus?: string;
}

/** What removing a server deletes: its recovery points in the vault, and the latest one's time. */
export interface RecoveryPointsSummary {
  count: number;
  /** ISO 8601; absent when it has none. */
  latestAt?: string;
}

const MAB_FILTER = "backupManagementType eq 'MAB'";
/** A protected item's fabric, container and name, from its ARM id: what its recovery points' path takes. */
const ITEM_PATH = /\/backupFabrics\/([^/]+)\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)$/i;
/** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
const TICKS_AT_EPOCH = 621_355_968_000_000_000n;

/** Built-in roles a 403 names (Azure RBAC): reading needs Reader or Backup Reader; the certificate upload and removal need Backup Contributor. */
const ROLE = { read: 'Reader', backupRead: 'Backup Reader', backupWrite: 'Backup Contributor' } as const;

export class ArmSession {
  private readonly http: ClosableHttpClient;
  private readonly rs = new Map<string, RecoveryServicesClient>();
  private readonly backup = new Map<string, RecoveryServicesBackupClient>();
  private subscriptionsClient: SubscriptionClient | undefined;
  private readonly host: string;

  /** Refused (AzureTokenNotForEndpoint) when the token was issued for another Resource Manager. */
  constructor(private readonly options: ArmSessionOptions) {
    requireTokenFor(options.endpoint, options.token);
    this.http = armHttpClient(options.endpoint, options);
    this.host = new URL(options.endpoint.url).host;
  }

  /** The directories the signed-in account belongs to (`GET /tenants`), sorted by name. */
  async listTenants(signal?: AbortSignal): Promise<TenantSummary[]> {
    const tenants = await this.call({ action: 'list your directories (tenants)', resource: 'the tenants list', role: ROLE.read }, signal, async () => {
      const found: TenantSummary[] = [];
      for await (const t of this.subscriptions().tenants.list({ abortSignal: signal })) {
        if (t.tenantId) found.push({ tenantId: t.tenantId, ...(t.displayName ? { displayName: t.displayName } : {}), ...(t.defaultDomain ? { defaultDomain: t.defaultDomain } : {}) });
      }
      return found;
    });
    return tenants.sort((a, b) => (a.displayName ?? a.tenantId).localeCompare(b.displayName ?? b.tenantId));
  }

  /**
   * The subscriptions the token's directory lets the account see (`GET /subscriptions`), sorted
   * by name; with `tenantId`, only that directory's (a token for one directory may still list a
   * subscription of another that it manages).
   */
  async listSubscriptions(tenantId?: string, signal?: AbortSignal): Promise<SubscriptionSummary[]> {
    const subscriptions = await this.call({ action: 'list your subscriptions', resource: 'the subscriptions list', role: ROLE.read }, signal, async () => {
      const found: SubscriptionSummary[] = [];
      for await (const s of this.subscriptions().subscriptions.list({ abortSignal: signal })) {
        if (!s.subscriptionId || (tenantId !== undefined && s.tenantId !== undefined && s.tenantId.toLowerCase() !== tenantId.toLowerCase())) continue;
        found.push({ subscriptionId: s.subscriptionId, displayName: s.displayName ?? s.subscriptionId, ...(s.tenantId ? { tenantId: s.tenantId } : {}), ...(s.state ? { state: s.state } : {}) });
      }
      return found;
    });
    return subscriptions.sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** The vaults of a subscription, or of one resource group, sorted by name. */
  async listVaults(subscriptionId: string, resourceGroup?: string, signal?: AbortSignal): Promise<VaultSummary[]> {
    const scope = resourceGroup === undefined ? `subscription ${subscriptionId}` : `resource group ${resourceGroup}`;
    const vaults = await this.call({ action: `list the vaults of ${scope}`, resource: scope, role: ROLE.read }, signal, async () => {
      const rs = this.recoveryServices(subscriptionId);
      const pages = resourceGroup === undefined ? rs.vaults.listBySubscriptionId({ abortSignal: signal }) : rs.vaults.listByResourceGroup(resourceGroup, { abortSignal: signal });
      const found: Vault[] = [];
      for await (const vault of pages) found.push(vault);
      return found;
    });
    return vaults
      .map((v) => ({ subscriptionId, resourceGroup: resourceGroupOf(v.id) ?? resourceGroup ?? '', vault: v.name ?? '', location: v.location, id: v.id ?? '' }))
      .sort((a, b) => a.vault.localeCompare(b.vault));
  }

  /** The vault as its GET describes it: what the credentials file takes from it. */
  async getVault(ref: VaultRef, signal?: AbortSignal): Promise<AzureVault> {
    const vault = await this.call({ action: `read vault ${ref.vault}`, resource: vaultName(ref), role: ROLE.read }, signal, () =>
      this.recoveryServices(ref.subscriptionId).vaults.get(ref.resourceGroup, ref.vault, { abortSignal: signal }),
    );
    const state = vault.properties?.privateEndpointStateForBackup;
    return {
      name: vault.name ?? ref.vault,
      subscriptionId: ref.subscriptionId,
      resourceGroup: ref.resourceGroup,
      location: vault.location,
      ...(state ? { privateEndpointStateForBackup: state } : {}),
    };
  }

  /**
   * A new credentials file for the vault, as the backup cmdlet makes it: a certificate made here,
   * its public part uploaded (`PUT …/certificates/{name}`), the file composed from the vault and
   * the upload's raw answer (resourceId read from the text, beyond 2^53). Every earlier file for
   * the vault stops working: the caller asks the user first.
   */
  async getFreshCredentials(ref: VaultRef, options: FreshCredentialsOptions = {}): Promise<IssuedCredentialsFile> {
    const { signal } = options;
    const now = options.now ?? new Date();
    const vault = await this.getVault(ref, signal);
    await options.beforeUpload?.(credentialsFileName(vault.name, now));
    const certificate = await makeVaultCertificate(vault.name, ref.subscriptionId, now);
    const call = { action: `upload a credentials certificate to vault ${vault.name}`, resource: vaultName(ref), role: ROLE.backupWrite };
    const responseBody = await this.call(call, signal, async () => {
      let body = '';
      await this.recoveryServices(ref.subscriptionId).vaultCertificates.create(
        ref.resourceGroup,
        vault.name,
        certificate.name,
        { properties: { authType: 'AAD', certificate: Buffer.from(certificate.certificate, 'base64') } },
        { abortSignal: signal, onResponse: (raw) => (body = raw.bodyAsText ?? '') },
      );
      return body;
    });
    return composeAzureCredentials({ vault, responseBody, certificate, now });
  }

  /**
   * getFreshCredentials written into `folder` (0600, atomically): its name is reserved before the
   * upload, so a file already there stops it before any earlier file is superseded. Returns the
   * file's absolute path.
   */
  async saveFreshCredentials(ref: VaultRef, folder: string, options: Omit<FreshCredentialsOptions, 'beforeUpload'> = {}): Promise<{ file: string; fileName: string }> {
    let reserved: ReservedFile | undefined;
    try {
      const issued = await this.getFreshCredentials(ref, { ...options, beforeUpload: async (name) => void (reserved = await reserveCredentialsFile(folder, name)) });
      await reserved!.write(issued.xml);
      return { file: reserved!.path, fileName: issued.fileName };
    } catch (err) {
      await reserved?.release();
      throw err;
    }
  }

  /** The vault's registered server of that name (Windows names: case-insensitive), undefined when the vault lists none. */
  async findServer(ref: VaultRef, serverName: string, signal?: AbortSignal): Promise<RegisteredServer | undefined> {
    const name = serverName.toLowerCase();
    return (await this.listServers(ref, signal)).find((s) => s.friendlyName.toLowerCase() === name);
  }

  /** The vault's registered servers (MAB containers), with their items' last backup where the vault lists them. */
  async listServers(ref: VaultRef, signal?: AbortSignal): Promise<RegisteredServer[]> {
    const call = { action: `list the registered servers of vault ${ref.vault}`, resource: vaultName(ref), role: ROLE.backupRead };
    const backup = this.backupClient(ref.subscriptionId);
    const [containers, items] = await Promise.all([
      this.call(call, signal, async () => {
        const found: Array<{ name: string; container: MabContainer }> = [];
        for await (const c of backup.backupProtectionContainers.list(ref.vault, ref.resourceGroup, { filter: MAB_FILTER, abortSignal: signal })) {
          const container = c.properties as MabContainer | undefined;
          if (container?.containerType === 'Windows') found.push({ name: c.name ?? container.friendlyName ?? '', container });
        }
        return found;
      }),
      this.call(call, signal, async () => {
        const found: MabFileFolderProtectedItem[] = [];
        for await (const i of backup.backupProtectedItems.list(ref.vault, ref.resourceGroup, { filter: MAB_FILTER, abortSignal: signal })) {
          if (i.properties?.protectedItemType === 'MabFileFolderProtectedItem') found.push(i.properties as MabFileFolderProtectedItem);
        }
        return found;
      }),
    ]);
    return containers.map(({ name, container }) => serverView(name, container, items)).sort((a, b) => a.friendlyName.localeCompare(b.friendlyName));
  }

  /**
   * The server's recovery points, which removing it deletes: its backup items (the MAB list, those
   * naming its container), then each item's `RecoveryPoints_List`, counted. One call per item: the
   * Backup RP has no count per container, and a MAB item's `extendedInfo.recoveryPointCount`,
   * though in the spec, is filled by the list only where the service chooses (unconfirmed), so
   * the recovery points themselves are read.
   */
  async recoveryPoints(ref: VaultRef, server: Pick<RegisteredServer, 'name' | 'friendlyName'>, signal?: AbortSignal): Promise<RecoveryPointsSummary> {
    const call = { action: `list the recovery points of ${server.friendlyName} in vault ${ref.vault}`, resource: vaultName(ref), role: ROLE.backupRead };
    const backup = this.backupClient(ref.subscriptionId);
    return this.call(call, signal, async () => {
      const paths: string[][] = [];
      for await (const i of backup.backupProtectedItems.list(ref.vault, ref.resourceGroup, { filter: MAB_FILTER, abortSignal: signal })) {
        const item = i.properties as MabFileFolderProtectedItem | undefined;
        const path = ITEM_PATH.exec(i.id ?? '');
        if (item?.protectedItemType === 'MabFileFolderProtectedItem' && path && ofServer(server.name, server.friendlyName)(item)) paths.push(path.slice(1));
      }
      let count = 0;
      let latest: Date | undefined;
      for (const [fabric, container, item] of paths) {
        for await (const point of backup.recoveryPoints.list(ref.vault, ref.resourceGroup, fabric!, container!, item!, { abortSignal: signal })) {
          count++;
          const at = (point.properties as GenericRecoveryPoint | undefined)?.recoveryPointTime;
          if (at && (!latest || at > latest)) latest = at;
        }
      }
      return { count, ...(latest ? { latestAt: latest.toISOString() } : {}) };
    });
  }

  /** Removes a server's registered identity from the vault (its recovery points go with it, soft delete aside). */
  async removeServer(ref: VaultRef, serverName: string, signal?: AbortSignal): Promise<void> {
    await this.call({ action: `remove ${serverName} from vault ${ref.vault}`, resource: `registered server ${serverName} in ${vaultName(ref)}`, role: ROLE.backupWrite }, signal, () =>
      this.recoveryServices(ref.subscriptionId).registeredIdentities.delete(ref.resourceGroup, ref.vault, serverName, { abortSignal: signal }),
    );
  }

  /**
   * A security PIN from the vault (the portal's Properties → Security PIN, `securityPINs.get`):
   * what MARS needs to change the passphrase. It is a secret: it never reaches a log, and it
   * lives 5 minutes (its expiry read from the raw body's .NET ticks, an int64).
   */
  async securityPin(ref: VaultRef, signal?: AbortSignal): Promise<SecurityPin> {
    const call = { action: `generate a security PIN for vault ${ref.vault}`, resource: vaultName(ref), role: ROLE.backupWrite };
    const { pin, body } = await this.call(call, signal, async () => {
      let text = '';
      const answer = await this.backupClient(ref.subscriptionId).securityPINs.get(ref.vault, ref.resourceGroup, { abortSignal: signal, onResponse: (raw) => (text = raw.bodyAsText ?? '') });
      return { pin: answer.securityPIN, body: text };
    });
    if (!pin) throw new SetupError('AzureRequestFailed', `Azure Resource Manager at ${this.host} answered without a security PIN for vault ${ref.vault}.`, { host: this.host, ...nextStep('reportProblem') });
    const ticks = /"expiryTimeInUtcTicks"\s*:\s*(\d+)/.exec(body)?.[1];
    return { pin: new Secret(pin), ...(ticks ? { expiresAt: new Date(Number((BigInt(ticks) - TICKS_AT_EPOCH) / 10_000n)) } : {}) };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** One ARM operation: retried on 429 (as long as Retry-After says) and 5xx, its refusal mapped to a code. */
  private call<T>(call: Omit<ArmCall, 'host'>, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
    const { logger, retry } = this.options;
    return withRetry(
      async () => {
        try {
          return await operation();
        } catch (err) {
          throw armError(err, { ...call, host: this.host });
        }
      },
      { ...retry, signal, onRetry: ({ attempt, delayMs }) => logger.info(`Azure Resource Manager: ${call.action}, try ${attempt + 1} in ${delayMs} ms.`) },
    );
  }

  private get scopes(): string[] {
    return [`${this.options.endpoint.url}.default`];
  }

  private recoveryServices(subscriptionId: string): RecoveryServicesClient {
    let client = this.rs.get(subscriptionId);
    if (!client) {
      client = new RecoveryServicesClient(this.options.token.credential, subscriptionId, {
        endpoint: this.options.endpoint.url,
        apiVersion: RECOVERY_SERVICES_API_VERSION,
        credentials: { scopes: this.scopes },
        httpClient: this.http,
        retryOptions: { maxRetries: 0 },
      });
      this.rs.set(subscriptionId, client);
    }
    return client;
  }

  private subscriptions(): SubscriptionClient {
    return (this.subscriptionsClient ??= new SubscriptionClient(this.options.token.credential, {
      endpoint: this.options.endpoint.url.replace(/\/$/, ''),
      apiVersion: SUBSCRIPTIONS_API_VERSION,
      credentials: { scopes: this.scopes },
      httpClient: this.http,
      retryOptions: { maxRetries: 0 },
    }));
  }

  private backupClient(subscriptionId: string): RecoveryServicesBackupClient {
    let client = this.backup.get(subscriptionId);
    if (!client) {
      const endpoint = this.options.endpoint.url.replace(/\/$/, '');
      client = new RecoveryServicesBackupClient(this.options.token.credential, subscriptionId, {
        endpoint,
        $host: endpoint,
        apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION,
        credentialScopes: this.scopes,
        httpClient: this.http,
        retryOptions: { maxRetries: 0 },
      });
      this.backup.set(subscriptionId, client);
    }
    return client;
  }
}

/** A container with its items' latest backup (items name their server in `containerName` or `computerName`). */
function serverView(name: string, c: MabContainer, items: readonly MabFileFolderProtectedItem[]): RegisteredServer {
  const friendlyName = c.friendlyName ?? name;
  const latest = items
    .filter(ofServer(name, friendlyName))
    .filter((i) => i.lastBackupTime)
    .sort((a, b) => b.lastBackupTime!.getTime() - a.lastBackupTime!.getTime())[0];
  return {
    name,
    friendlyName,
    ...(c.registrationStatus ? { registrationStatus: c.registrationStatus } : {}),
    ...(c.healthStatus ? { healthStatus: c.healthStatus } : {}),
    ...(c.agentVersion ? { agentVersion: c.agentVersion } : {}),
    ...(c.protectedItemCount === undefined ? {} : { protectedItemCount: c.protectedItemCount }),
    backupItems: c.extendedInfo?.backupItems ?? [],
    ...(latest ? { lastBackupAt: latest.lastBackupTime!.toISOString(), ...(latest.lastBackupStatus ? { lastBackupStatus: latest.lastBackupStatus } : {}) } : {}),
  };
}

/** Whether a backup item is the server's: it names the container or the computer, by either of the server's names (any case). */
function ofServer(name: string, friendlyName: string): (item: MabFileFolderProtectedItem) => boolean {
  const same = (a: string | undefined) => a !== undefined && [name, friendlyName].some((n) => n.toLowerCase() === a.toLowerCase());
  return (item) => same(item.containerName) || same(item.computerName);
}

function resourceGroupOf(id: string | undefined): string | undefined {
  return id ? /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] : undefined;
}

function vaultName(ref: VaultRef): string {
  return `vault ${ref.vault} in resource group ${ref.resourceGroup}`;
}

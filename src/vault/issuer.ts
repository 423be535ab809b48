/**
 * Issues vault credentials files the way the real vault does (agent facts §1): an
 * RSBackupVaultAADCreds document whose ManagementCert is a password-less PFX holding a fresh
 * self-signed RSA-2048 client certificate and its key. The local vault serves these files; the
 * test corpus bends the building blocks below into hostile variants.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createSelfSignedCertificate, encodeManagementCert, generateRsaKeyPair, type KeyPairPem } from '../core/credentials/selfSigned';
import {
  BACKUP_ROOT,
  ISSUE_BACKDATE_MS,
  certificateFriendlyName,
  credentialsFileName,
  formatAgentLinks,
  writeDataContractXml,
  type DataContractMember,
} from '../core/credentials/format';
import type { AgentLink } from '../core/credentials/model';

export interface VaultIdentity {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** 64-bit number as a decimal string (not the ARM id). */
  resourceId: string;
  tenantId: string;
}

export interface IssuedCredentials {
  fileName: string;
  xml: string;
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate DER, lowercase hex without colons. */
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
}

/** The backup cmdlet's lifetime constant (agent facts §1d); parsers must still read the certificate. */
const DEFAULT_VALID_HOURS = 48;
const AAD_AUTHORITY = 'https://login.microsoftonline.com';

export interface BackupCredentialsContent {
  vault: VaultIdentity;
  endpoint: string;
  agentLinks: readonly AgentLink[];
  managementCert: string;
}

/** The RSBackupVaultAADCreds members, in BACKUP_ELEMENTS order. */
export function backupCredentialsMembers(content: BackupCredentialsContent): DataContractMember[] {
  const { vault } = content;
  const aad = aadDetails(vault);
  return [
    ['Version', '2.0'],
    ['SubscriptionId', vault.subscriptionId],
    ['ResourceType', 'Vaults'],
    ['ResourceName', vault.name],
    ['ManagementCert', content.managementCert],
    ['ResourceId', vault.resourceId],
    ['ResourceGroup', vault.resourceGroup],
    ['Location', vault.location],
    ['ProviderNamespace', 'Microsoft.RecoveryServices'],
    ['AadAuthority', aad.authority],
    ['AadTenantId', aad.tenantId],
    ['AadAudience', aad.audience],
    ['ServicePrincipalClientId', aad.servicePrincipalClientId],
    ['IdMgmtRestEndpoint', content.endpoint],
    ['AgentLinks', formatAgentLinks(content.agentLinks)],
    ['PrivateEndpointStateForBackup', null],
  ];
}

/** The vault's Azure AD details, shared by its credentials files and its ARM certificate answers. */
export interface AadDetails {
  authority: string;
  tenantId: string;
  audience: string;
  servicePrincipalClientId: string;
  servicePrincipalObjectId: string;
}

export function aadDetails(vault: VaultIdentity): AadDetails {
  return {
    authority: AAD_AUTHORITY,
    tenantId: vault.tenantId,
    audience: `https://RecoveryServiceVault/${vault.location}/${vault.name}/${vault.resourceId}`,
    servicePrincipalClientId: stableUuid(`${vault.subscriptionId}/${vault.resourceId}`),
    servicePrincipalObjectId: stableUuid(`${vault.subscriptionId}/${vault.resourceId}/object`),
  };
}

/** The vault's service principal is stable per vault, so derive its ids rather than draw them. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fingerprint256(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase();
}

/**
 * RSA keys made ahead, for a running service: an RSA-2048 key is a prime search of a few hundred
 * ms, a second at times on a busy machine, which issuing a file would otherwise wait for. A few
 * are kept in the making (in libuv's pool, in parallel) so that a burst of files, or one slow
 * search, does not make the next file wait. Each key is used once and only held in memory; a
 * one-shot command makes its key when asked.
 */
export class SpareKeys {
  private readonly spares: Promise<KeyPairPem>[] = [];

  // Two, to leave two of libuv's four threads to the journal's writes and syncs.
  constructor(private readonly depth = 2) {}

  /** The oldest spare key (or a new one, the first time), and the spares topped up. */
  take(): Promise<KeyPairPem> {
    const key = this.spares.shift() ?? generateRsaKeyPair();
    while (this.spares.length < this.depth) {
      const spare = generateRsaKeyPair();
      // A failed spare fails the issuance that takes it; until then nobody awaits it.
      spare.catch(() => undefined);
      this.spares.push(spare);
    }
    return key;
  }

  /** Waits for keys still being made, so that closing the service leaves no work behind. */
  async close(): Promise<void> {
    await Promise.all(this.spares.splice(0).map((k) => k.catch(() => undefined)));
  }
}

export async function issueCredentials(opts: {
  vault: VaultIdentity;
  endpoint: string;
  agentLinks: AgentLink[];
  validHours?: number;
  now?: Date;
  /** Where the key comes from: a running service's spare, else made now. */
  keys?: SpareKeys;
}): Promise<IssuedCredentials> {
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - ISSUE_BACKDATE_MS);
  const notAfter = new Date(now.getTime() + (opts.validHours ?? DEFAULT_VALID_HOURS) * 3_600_000);
  const keys = await (opts.keys?.take() ?? generateRsaKeyPair());
  const certPem = createSelfSignedCertificate(keys, { notBefore, notAfter });
  const managementCert = encodeManagementCert({
    certPem,
    keyPem: keys.privateKeyPem,
    friendlyName: certificateFriendlyName(opts.vault.name, opts.vault.subscriptionId, now),
  });
  const members = backupCredentialsMembers({ vault: opts.vault, endpoint: opts.endpoint, agentLinks: opts.agentLinks, managementCert });
  return {
    fileName: credentialsFileName(opts.vault.name, now),
    xml: writeDataContractXml(BACKUP_ROOT, members),
    certPem,
    keyPem: keys.privateKeyPem,
    fingerprint256: fingerprint256(certPem),
    notBefore,
    notAfter,
  };
}

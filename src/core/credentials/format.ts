/**
 * The vault credentials file as the real vault writes it (.NET DataContractSerializer output).
 * Shared by the local vault (which writes it) and the core parser (which reads it), so the two
 * cannot drift. Source: docs/azure-backup-agent-facts.md §1.
 */
export const DATACONTRACT_NS =
  'http://schemas.datacontract.org/2004/07/Microsoft.Azure.Portal.RecoveryServices.Models.Common';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** The current backup flavour, the only one a backup agent accepts. */
export const BACKUP_ROOT = 'RSBackupVaultAADCreds';
/** The retired ACS-era backup flavour. */
export const LEGACY_BACKUP_ROOT = 'BackupVaultCreds';
/** Site Recovery flavours: not for backup agents. */
export const SITE_RECOVERY_ROOTS = ['ASRVaultCreds', 'RSVaultAsrCreds'] as const;

/** Children of RSBackupVaultAADCreds, in the order the serializer writes them. */
export const BACKUP_ELEMENTS = [
  'Version',
  'SubscriptionId',
  'ResourceType',
  'ResourceName',
  'ManagementCert',
  'ResourceId',
  'ResourceGroup',
  'Location',
  'ProviderNamespace',
  'AadAuthority',
  'AadTenantId',
  'AadAudience',
  'ServicePrincipalClientId',
  'IdMgmtRestEndpoint',
  'AgentLinks',
  'PrivateEndpointStateForBackup',
] as const;
export type BackupElement = (typeof BACKUP_ELEMENTS)[number];

export const CREDENTIALS_EXTENSION = '.VaultCredentials';
export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
export const CERT_ISSUER_CN = 'Windows Azure Tools';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The portal's file name: `{vault}_{ddd MMM dd yyyy}.VaultCredentials`, e.g. `lab1_Wed Jul 22 2020.VaultCredentials`.
 * UTC, as the cmdlet dates it (`DateTime.UtcNow`), so the name does not depend on this machine's time zone.
 */
export function credentialsFileName(vault: string, issuedAt: Date): string {
  const dd = String(issuedAt.getUTCDate()).padStart(2, '0');
  const stamp = `${DAYS[issuedAt.getUTCDay()]} ${MONTHS[issuedAt.getUTCMonth()]} ${dd} ${issuedAt.getUTCFullYear()}`;
  return `${vault}_${stamp}${CREDENTIALS_EXTENSION}`;
}

/**
 * The certificate's friendly name, also its name at Azure Resource Manager:
 * `{vault}{subscriptionId}-{M-d-yyyy}-vaultcredentials`, month and day without leading zeros, UTC.
 */
export function certificateFriendlyName(vault: string, subscriptionId: string, issuedAt: Date): string {
  return `${vault}${subscriptionId}-${issuedAt.getUTCMonth() + 1}-${issuedAt.getUTCDate()}-${issuedAt.getUTCFullYear()}-vaultcredentials`;
}

/** AadAudience when the vault gives none (older answers): the cmdlet's and portal's own formula. */
export function defaultAadAudience(location: string, vault: string, resourceId: string): string {
  return `https://RecoveryServiceVault/${location}/${vault}/${resourceId}`;
}

/** Encodes/decodes AgentLinks: "Name,URL" pairs separated by ";". */
export function formatAgentLinks(links: ReadonlyArray<{ name: string; url: string }>): string {
  return links.map((l) => `${l.name},${l.url}`).join(';');
}

export function parseAgentLinks(value: string): Array<{ name: string; url: string }> {
  return value
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const comma = pair.indexOf(',');
      return comma < 0 ? { name: pair, url: '' } : { name: pair.slice(0, comma), url: pair.slice(comma + 1) };
    });
}

/** The issuer back-dates NotBefore by this much to absorb clock skew; the issue time is NotBefore + this. */
export const ISSUE_BACKDATE_MS = 10 * 60_000;

/** A member of a DataContract document: text, `null` for `i:nil="true"`, or a nested member list. */
export type DataContractValue = string | null | DataContractMember[];
export type DataContractMember = readonly [name: string, value: DataContractValue];

/**
 * Writes a document the way DataContractSerializer does: XML declaration, default namespace and
 * `xmlns:i` on the root, indented children in the given order, nil members as `<X i:nil="true"/>`.
 */
export function writeDataContractXml(root: string, members: readonly DataContractMember[]): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<${root} xmlns="${DATACONTRACT_NS}" xmlns:i="${XSI_NS}">`,
    ...memberLines(members, '  '),
    `</${root}>`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Members every backup file carries with the same value. */
const BACKUP_CONSTANTS = { Version: '2.0', ResourceType: 'Vaults', ProviderNamespace: 'Microsoft.RecoveryServices' } as const;

/** What varies from one backup file to another, by element name; only PrivateEndpointStateForBackup may be nil. */
export type BackupCredentialsFields = {
  [K in Exclude<BackupElement, keyof typeof BACKUP_CONSTANTS>]: K extends 'PrivateEndpointStateForBackup' ? string | null : string;
};

/** A whole RSBackupVaultAADCreds document, its members in BACKUP_ELEMENTS order. */
export function writeBackupCredentials(fields: BackupCredentialsFields): string {
  const values: Record<BackupElement, string | null> = { ...BACKUP_CONSTANTS, ...fields };
  return writeDataContractXml(BACKUP_ROOT, BACKUP_ELEMENTS.map((name) => [name, values[name]]));
}

function memberLines(members: readonly DataContractMember[], indent: string): string[] {
  return members.flatMap(([name, value]) => {
    if (value === null) return [`${indent}<${name} i:nil="true" />`];
    if (typeof value === 'string') return [`${indent}<${name}>${escapeXmlText(value)}</${name}>`];
    return [`${indent}<${name}>`, ...memberLines(value, `${indent}  `), `${indent}</${name}>`];
  });
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

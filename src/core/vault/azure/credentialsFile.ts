/**
 * A backup credentials file composed as `Get-AzRecoveryServicesVaultSettingsFile -Backup` writes
 * it (docs: azure-resource-manager-facts.md §1, agent facts §1a), from the vault (its GET) and
 * Azure's answer to the certificate upload. Pure: the upload itself is someone else's job.
 */
import { credentialsFileName, defaultAadAudience, formatAgentLinks, writeBackupCredentials } from '../../credentials/format';
import { MAX_CREDENTIALS_BYTES } from '../../credentials/read';
import type { IssuedCredentialsFile } from '../backend';
import type { VaultCertificate } from './certificate';
import { invalidResponse, parseCertificateResponse } from './certificateResponse';

/** The vault as its ARM GET describes it. */
export interface AzureVault {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  /** ARM location, e.g. `westeurope`. */
  location: string;
  /** `properties.privateEndpointStateForBackup` (None, Enabled), absent on vaults without one. */
  privateEndpointStateForBackup?: string;
}

/**
 * The cmdlet's fixed AgentLinks. Source: Azure/azure-powershell,
 * src/RecoveryServices/RecoveryServices/Vault/GetAzureRMRecoveryServicesVaultSettingsFile.cs,
 * GetAgentLinks() (commit f2eb70c3d656ef8faa2e73fb5cd1f03e8b722a1c).
 */
export const MARS_AGENT_LINKS = [
  { name: 'WABUpdateKBLink', url: 'http://go.microsoft.com/fwlink/p/?LinkId=229525' },
  { name: 'StorageQuotaPurchaseLink', url: 'http://go.microsoft.com/fwlink/?LinkId=205490' },
  { name: 'WebPortalLink', url: 'http://go.microsoft.com/fwlink/?LinkId=817353' },
  { name: 'WABprivacyStatement', url: 'http://go.microsoft.com/fwlink/?LinkId=221308' },
] as const;

export interface AzureCredentialsInput {
  vault: AzureVault;
  /** The PUT's response body exactly as received. */
  responseBody: string;
  certificate: VaultCertificate;
  /** Dates the file name (UTC). */
  now: Date;
}

/** The file's name and text; the text holds the private key. A malformed answer is a SetupError (vault/codes.ts). */
export function composeAzureCredentials({ vault, responseBody, certificate, now }: AzureCredentialsInput): IssuedCredentialsFile {
  const aad = parseCertificateResponse(responseBody);
  const xml = writeBackupCredentials({
    SubscriptionId: vault.subscriptionId,
    ResourceName: vault.name,
    ManagementCert: certificate.managementCert.reveal(),
    ResourceId: aad.resourceId,
    ResourceGroup: vault.resourceGroup,
    Location: vault.location,
    AadAuthority: aad.aadAuthority,
    AadTenantId: aad.aadTenantId,
    AadAudience: aad.aadAudience ?? defaultAadAudience(vault.location, vault.name, aad.resourceId),
    ServicePrincipalClientId: aad.servicePrincipalClientId,
    IdMgmtRestEndpoint: aad.azureManagementEndpointAudience,
    AgentLinks: formatAgentLinks(MARS_AGENT_LINKS),
    PrivateEndpointStateForBackup: vault.privateEndpointStateForBackup ?? null,
  });
  // A file the credentials reader would refuse is never written: an answer with a field of a
  // megabyte (the fuzzer's aadAudience) is refused as the answer it is.
  if (Buffer.byteLength(xml) > MAX_CREDENTIALS_BYTES) throw invalidResponse('body', 'tooLarge');
  return { fileName: credentialsFileName(vault.name, now), xml };
}

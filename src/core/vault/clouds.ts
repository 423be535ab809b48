/**
 * The Azure clouds whose Backup service a credentials file's IdMgmtRestEndpoint can name. The
 * clouds themselves (names, Resource Manager endpoints) come from @azure/ms-rest-azure-env; it has
 * no field for the Backup service's DNS domain, so that one table is kept here, keyed by the
 * package's environment names. Sources: MicrosoftDocs azure-docs, the Backup private-endpoint DNS
 * zones ("{region}.backup.windowsazure.com / .us / .cn") in articles/private-link/private-endpoint-dns.md,
 * the file-recovery script's access list ("pod01-rec2.{geo}.backup.windowsazure.com / .cn / .us / .de")
 * in articles/backup/backup-azure-restore-files-from-vm.md, and the MARS agent's allow-lists
 * (*.windowsazure.com; *.windowsazure.us for US Government) in includes/backup-network-connectivity.md.
 */
import { Environment } from '@azure/ms-rest-azure-env';

/** The Backup service's domain per environment name of @azure/ms-rest-azure-env. */
export const BACKUP_DOMAINS: Readonly<Record<string, string>> = {
  AzureCloud: 'backup.windowsazure.com',
  AzureChinaCloud: 'backup.windowsazure.cn',
  AzureUSGovernment: 'backup.windowsazure.us',
  AzureGermanCloud: 'backup.windowsazure.de',
};

export interface AzureCloud {
  /** The package's environment name (AzureCloud, AzureUSGovernment…). */
  name: string;
  resourceManagerEndpointUrl: string;
  backupDomain: string;
}

/** Every cloud the package knows; one without a Backup domain above is left out (and the unit test says so). */
export const AZURE_CLOUDS: readonly AzureCloud[] = [Environment.AzureCloud, Environment.ChinaCloud, Environment.USGovernment, Environment.GermanCloud].flatMap((env) => {
  const backupDomain = BACKUP_DOMAINS[env.name];
  return backupDomain ? [{ name: env.name, resourceManagerEndpointUrl: env.resourceManagerEndpointUrl, backupDomain }] : [];
});

/** The cloud whose Backup domain holds `endpoint`'s host (a whole-label suffix, https only); undefined otherwise. */
export function azureCloudOf(endpoint: string): AzureCloud | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return AZURE_CLOUDS.find((cloud) => host.endsWith(`.${cloud.backupDomain}`));
}

/**
 * What Start-OBRegistration prints on success (ARM facts §4; MicrosoftDocs azure-docs
 * backup-client-automation.md): CertThumbprint, SubscriptionID, ServiceResourceName and Region
 * as `Name : value` lines, then "Machine registration succeeded."
 */
export interface RegistrationOutput {
  certThumbprint: string;
  subscriptionId: string;
  serviceResourceName: string;
  region: string;
  /** The MSOnlineBackup module's version, which the script adds. */
  moduleVersion?: string;
}

/** The registration script's data read back; undefined unless it says the registration succeeded. */
export function parseRegistrationOutput(data: unknown): RegistrationOutput | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { output, moduleVersion } = data as Record<string, unknown>;
  if (typeof output !== 'string' || !/^\s*Machine registration succeeded\.?\s*$/im.test(output)) return undefined;
  const field = (name: string) => new RegExp(`^\\s*${name}\\s*:\\s*(\\S.*?)\\s*$`, 'im').exec(output)?.[1] ?? '';
  const parsed: RegistrationOutput = {
    certThumbprint: field('CertThumbprint'),
    subscriptionId: field('SubscriptionID'),
    serviceResourceName: field('ServiceResourceName'),
    region: field('Region'),
  };
  if (!/^[0-9A-Fa-f]{40}$/.test(parsed.certThumbprint)) return undefined;
  if (typeof moduleVersion === 'string' && moduleVersion !== '') parsed.moduleVersion = moduleVersion;
  return parsed;
}

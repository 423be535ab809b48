/**
 * The certificate `Get-AzRecoveryServicesVaultSettingsFile -Backup` makes before it asks Azure
 * Resource Manager for a credentials file (docs: azure-resource-manager-facts.md §1): uploaded
 * as public DER, then packed with its key into the file's ManagementCert. The key exists only
 * inside that PFX, which is a Secret from the moment it is made.
 */
import { X509Certificate } from 'node:crypto';
import { ISSUE_BACKDATE_MS, certificateFriendlyName } from '../../credentials/format';
import { createSelfSignedCertificate, encodeManagementCert, generateRsaKeyPair } from '../../credentials/selfSigned';
import { Secret } from '../../secret';

/** The backup cmdlet's lifetime (`VaultCertificateExpiryInHoursForBackup`). */
const VALID_HOURS = 48;

export interface VaultCertificate {
  /** The certificate's name at Azure (`…/certificates/{name}`) and its friendly name in the PFX. */
  name: string;
  /** The certificate's DER, base64: all Azure gets. */
  certificate: string;
  /** The PUT's body: `{"properties":{"authType":"AAD","certificate":"<base64 DER>"}}`. */
  requestBody: string;
  notBefore: Date;
  notAfter: Date;
  /** ManagementCert's value: base64 of the password-less PFX with the certificate and its private key. */
  managementCert: Secret;
}

export async function makeVaultCertificate(vaultName: string, subscriptionId: string, now: Date): Promise<VaultCertificate> {
  const notBefore = new Date(now.getTime() - ISSUE_BACKDATE_MS);
  const notAfter = new Date(now.getTime() + VALID_HOURS * 3_600_000);
  const keys = await generateRsaKeyPair();
  const certPem = createSelfSignedCertificate(keys, { notBefore, notAfter });
  const name = certificateFriendlyName(vaultName, subscriptionId, now);
  const certificate = new X509Certificate(certPem).raw.toString('base64');
  return {
    name,
    certificate,
    requestBody: JSON.stringify({ properties: { authType: 'AAD', certificate } }),
    notBefore,
    notAfter,
    managementCert: new Secret(encodeManagementCert({ certPem, keyPem: keys.privateKeyPem, friendlyName: name })),
  };
}

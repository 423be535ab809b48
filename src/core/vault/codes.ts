/** Refusals about which vault service a credentials file belongs to and which agent it needs. */
export const BackendCode = {
  /** The file names neither an Azure cloud's Backup service nor the local vault. */
  Unknown: 'VaultBackendUnknown',
  /** A backend this setup cannot set agents up for yet. */
  NotAvailable: 'VaultBackendNotAvailable',
  AgentNeedsWindows: 'AgentNeedsWindows',
  AgentNeedsLinux: 'AgentNeedsLinux',
  /** The server's agent has no driver on this surface (the command line has no MARS prompts yet). */
  AgentNotOffered: 'AgentNotOfferedHere',
  /** Issuing a credentials file needs the vault's admin, which this side does not run. */
  IssuerUnavailable: 'CredentialsIssuerUnavailable',
  /** Generating a security PIN needs the vault's admin (or a Resource Manager session), which this side does not hold. */
  PinIssuerUnavailable: 'SecurityPinIssuerUnavailable',
  /** Azure's answer to the certificate upload is not JSON, or lacks a field the credentials file needs. */
  AzureCertificateResponseInvalid: 'AzureVaultCertificateResponseInvalid',
  /** Azure's answer is for another kind of authentication than Azure Active Directory. */
  AzureCertificateWrongAuthType: 'AzureVaultCertificateWrongAuthType',
  /** Azure's answer gives the vault's resourceId as something else than a 64-bit integer. */
  AzureResourceIdInvalid: 'AzureVaultResourceIdInvalid',
  /** An issued file would replace one already there (saveIssued.ts never overwrites, and refuses before issuing). */
  IssuedFileExists: 'CredentialsFileExists',
  /** An issued file could not be written where asked. */
  IssuedFileNotWritten: 'CredentialsFileNotWritten',
} as const;
export type BackendCode = (typeof BackendCode)[keyof typeof BackendCode];

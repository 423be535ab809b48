/**
 * Every code the vault answers with, and the local vault service's own refusals (it runs in
 * this process too, from "Start Local Vault"). The numeric and CBP ids are the real vault's (agent
 * facts §2) so that agents and the extension map them the same way for both vaults.
 */
export const VaultCode = {
  BadRequest: '400',
  CsrInvalid: 'CsrInvalid',
  ClientCertificateRequired: 'ClientCertificateRequired',
  CredentialsInvalid: '34513',
  CredentialsExpired: 'CBPUserExpiredVaultCredential',
  CredentialsNotYetValid: 'CBPVaultCredentialNotYetValid',
  MachineCertificateUntrusted: 'MachineCertificateUntrusted',
  MachineCertificateSuperseded: 'MachineCertificateSuperseded',
  MachineCertificateExpired: 'MachineCertificateExpired',
  RegistrationForbidden: 'RegistrationForbidden',
  RegistrationNotFound: 'RegistrationNotFound',
  RegistrationNotActive: 'RegistrationNotActive',
  RegisteredToAnotherVault: '100110',
  MachineLimitReached: 'VaultMachineLimitReached',
  SecurityPinInvalid: 'SecurityPinInvalid',
  SecurityPinExpired: 'SecurityPinExpired',
  SecurityPinAlreadyUsed: 'SecurityPinAlreadyUsed',
  PayloadTooLarge: 'PayloadTooLarge',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  AgentPackageUnavailable: 'AgentPackageUnavailable',
  RangeNotSatisfiable: 'RangeNotSatisfiable',
  AdminTokenRequired: 'AdminTokenRequired',
  VaultNotFound: 'VaultNotFound',
  VaultAlreadyExists: 'VaultAlreadyExists',
  Internal: 'InternalError',
  // Start-up and CLI failures: never sent over HTTP.
  DataCorrupt: 'VaultDataCorrupt',
  DataUnreadable: 'VaultDataUnreadable',
  DataInUse: 'VaultDataInUse',
  DataBusy: 'VaultDataBusy',
  ServiceUnreachable: 'VaultServiceUnreachable',
  PortInUse: 'VaultPortInUse',
  PortForbidden: 'VaultPortForbidden',
  /** An answer with a code this build does not know (a newer vault's): the raw code is `params.vaultCode`. */
  Unknown: 'VaultErrorUnknown',
} as const;
export type VaultCode = (typeof VaultCode)[keyof typeof VaultCode];

export function isVaultCode(code: string): code is VaultCode {
  return (Object.values(VaultCode) as string[]).includes(code);
}

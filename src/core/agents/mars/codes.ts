/** Refusals of the MARS agent with no equivalent among the project's other codes (agent facts §2). */
export const MarsCode = {
  /** HTTP 403 from the vault: no rights on it, or its limit of machines reached. */
  VaultAccessDenied: 'MarsVaultAccessDenied',
  /** 0x1FC07, 34506: the cache (scratch) folder is too small or was moved, or the passphrase key file is missing. */
  CacheOrKeyFileUnusable: 'MarsCacheOrKeyFileUnusable',
  /** The downloaded MARSAgentInstaller.exe is not validly signed by Microsoft Corporation: it is not run. */
  InstallerSignatureInvalid: 'MarsInstallerSignatureInvalid',
  /** MARSAgentInstaller.exe ended with a non-zero exit code. */
  InstallerFailed: 'MarsInstallerFailed',
  /** A script gave no result line (cut short, or PowerShell itself could not start). */
  NoResult: 'MarsScriptNoResult',
  /** The agent cannot tell its registration; the vault (Azure) does. */
  RegistrationAtVaultOnly: 'MarsRegistrationAtVaultOnly',
  /** Changing the passphrase needs the vault's security PIN, and none was given. */
  SecurityPinMissing: 'MarsSecurityPinMissing',
} as const;
export type MarsCode = (typeof MarsCode)[keyof typeof MarsCode];

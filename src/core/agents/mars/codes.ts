/** Refusals of the MARS agent with no equivalent among the project's other codes (agent facts §2). */
export const MarsCode = {
  /** HTTP 403 from the vault: no rights on it, or its limit of machines reached. */
  VaultAccessDenied: 'MarsVaultAccessDenied',
  /** 0x1FC07, 34506: the cache (scratch) folder is too small or was moved, or the passphrase key file is missing. */
  CacheOrKeyFileUnusable: 'MarsCacheOrKeyFileUnusable',
} as const;
export type MarsCode = (typeof MarsCode)[keyof typeof MarsCode];

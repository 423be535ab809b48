/** Every code the agent download and install can fail with, so adapters can localise each one. */
export const INSTALL_CODES = [
  // Download
  'AgentDownloadFailed',
  'AgentPackageSizeMismatch',
  'AgentPackageChecksumMismatch',
  'AgentCacheWriteFailed',
  // Unpack: one code per kind of refusal
  'AgentPackageCorrupt',
  'AgentPackageTooLarge',
  'AgentPackageUnsafePath',
  'AgentPackageUnsafeLink',
  'AgentPackageHardLink',
  'AgentPackageSpecialFile',
  'AgentUnpackFailed',
  // Install
  'AgentPrerequisiteMissing',
  'AgentPrerequisiteTimeout',
  'AgentInstallVerifyFailed',
] as const;
export type InstallCode = (typeof INSTALL_CODES)[number];

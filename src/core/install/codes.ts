/** Every code the agent download and install can fail with. */
export const InstallCode = {
  // Download
  DownloadFailed: 'AgentDownloadFailed',
  PackageSizeMismatch: 'AgentPackageSizeMismatch',
  PackageChecksumMismatch: 'AgentPackageChecksumMismatch',
  CacheWriteFailed: 'AgentCacheWriteFailed',
  // Unpack: one code per kind of refusal
  PackageCorrupt: 'AgentPackageCorrupt',
  PackageTooLarge: 'AgentPackageTooLarge',
  PackageUnsafePath: 'AgentPackageUnsafePath',
  PackageUnsafeLink: 'AgentPackageUnsafeLink',
  PackageHardLink: 'AgentPackageHardLink',
  PackageSpecialFile: 'AgentPackageSpecialFile',
  UnpackFailed: 'AgentUnpackFailed',
  // Install
  PrerequisiteMissing: 'AgentPrerequisiteMissing',
  PrerequisiteTimeout: 'AgentPrerequisiteTimeout',
  InstallVerifyFailed: 'AgentInstallVerifyFailed',
} as const;
export type InstallCode = (typeof InstallCode)[keyof typeof InstallCode];

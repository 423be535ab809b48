/**
 * The next step for each of the setup's own refusals, by family: the cache folder, the agent
 * install, the passphrase, trusting a vault's certificate, SSH, fleets, the local vault service
 * and the rest. Each family whose codes are a type is checked whole by the compiler; the unit
 * test (test/unit/l10n/nextSteps.test.ts) checks that every code the sources produce has a step.
 * The vault's answers, the network and the credentials file have theirs in registration/errors.ts.
 */
import { CacheCode } from './cache/checkFolder';
import { FleetCode } from './fleet/types';
import type { InstallCode } from './install/codes';
import type { PASSPHRASE_CODES } from './passphrase/codes';
import type { NextAction } from './nextActions';
import { SshCode } from './target/ssh/types';
import { TrustCode } from './trust/codes';

type Values<T> = T[keyof T];

const CACHE: Record<Values<typeof CacheCode>, NextAction> = {
  [CacheCode.NotAbsolute]: 'chooseCacheFolder',
  [CacheCode.NotLocal]: 'chooseCacheFolder',
  [CacheCode.NotCreatable]: 'chooseCacheFolder',
  [CacheCode.NotWritable]: 'chooseCacheFolder',
  [CacheCode.TooSmall]: 'chooseCacheFolder',
};

const INSTALL: Record<InstallCode, NextAction> = {
  AgentDownloadFailed: 'retryLater',
  AgentPackageSizeMismatch: 'retryLater',
  AgentPackageChecksumMismatch: 'retryLater',
  AgentCacheWriteFailed: 'freeDiskSpace',
  // A package the vault serves that this machine refuses to unpack: only its maintainers can fix it.
  AgentPackageCorrupt: 'reportProblem',
  AgentPackageTooLarge: 'reportProblem',
  AgentPackageUnsafePath: 'reportProblem',
  AgentPackageUnsafeLink: 'reportProblem',
  AgentPackageHardLink: 'reportProblem',
  AgentPackageSpecialFile: 'reportProblem',
  AgentUnpackFailed: 'checkPermissions',
  AgentPrerequisiteMissing: 'installPrerequisites',
  // The server answered too slowly: busy, not broken.
  AgentPrerequisiteTimeout: 'retryLater',
  AgentInstallVerifyFailed: 'installPrerequisites',
};

const PASSPHRASE: Record<(typeof PASSPHRASE_CODES)[number], NextAction> = {
  PassphraseTooShort: 'choosePassphrase',
  PassphraseNotAscii: 'choosePassphrase',
  PassphraseControlCharacters: 'choosePassphrase',
  PassphraseWeak: 'choosePassphrase',
  PassphraseFileInInstallFolder: 'choosePassphraseFileLocation',
  PassphraseFileInCacheFolder: 'choosePassphraseFileLocation',
  PassphraseFileInWorkspace: 'choosePassphraseFileLocation',
  PassphraseFileInGitWorkTree: 'choosePassphraseFileLocation',
  PassphraseFileOnProtectedServer: 'choosePassphraseFileLocation',
  PassphraseInvalid: 'choosePassphrase',
  PassphraseFileExists: 'choosePassphraseFileLocation',
  PassphraseFileWriteFailed: 'choosePassphraseFileLocation',
  PassphraseFileVerifyFailed: 'choosePassphraseFileLocation',
  PassphraseFileUnreadable: 'checkFileAccess',
  PassphraseFileMalformed: 'choosePassphrase',
  // The configuration's verifier: only a new registration writes a sound one.
  PassphraseVerifierInvalid: 'registerAgain',
};

const TRUST: Record<TrustCode, NextAction> = {
  [TrustCode.Unreadable]: 'trustVaultCertificate',
  [TrustCode.NotPem]: 'trustVaultCertificate',
  [TrustCode.DoesNotVerify]: 'trustVaultCertificate',
  [TrustCode.NothingPresented]: 'checkVaultEndpoint',
};

const SSH: Record<Values<typeof SshCode>, NextAction> = {
  [SshCode.InvalidDestination]: 'chooseServer',
  [SshCode.ConnectFailed]: 'checkServerReachable',
  [SshCode.HostKeyNotTrusted]: 'chooseServer',
  [SshCode.HostKeyChanged]: 'checkHostKey',
  [SshCode.AuthenticationFailed]: 'checkSshSignIn',
  [SshCode.KeyUnusable]: 'checkSshSignIn',
  [SshCode.ConnectionLost]: 'retryLater',
  [SshCode.SftpUnavailable]: 'enableSftp',
  [SshCode.ProxyCommandFailed]: 'checkSshConfig',
  [SshCode.ForwardRefused]: 'allowPortForwarding',
  // No strategy for that server's shell yet (Windows' cmd or PowerShell): only another server helps.
  [SshCode.ShellUnsupported]: 'chooseServer',
};

const FLEET: Record<Values<typeof FleetCode>, NextAction> = {
  [FleetCode.Empty]: 'changeFleet',
  [FleetCode.TooLarge]: 'changeFleet',
  [FleetCode.DuplicateServer]: 'changeFleet',
  [FleetCode.InvalidConcurrency]: 'setFleetConcurrency',
  [FleetCode.PassphraseFolderMissing]: 'changeFleet',
  [FleetCode.PassphraseFileClash]: 'changeFleet',
  [FleetCode.AlreadyRegistered]: 'registerAgain',
  [FleetCode.Unexpected]: 'reportProblem',
};

/** The local vault service's own refusals (start-up, admin API, agent download), raised in-process by "Start Local Vault". */
const LOCAL_VAULT = {
  VaultDataCorrupt: 'moveLocalVaultData',
  VaultDataUnreadable: 'checkPermissions',
  VaultDataInUse: 'stopOtherLocalVault',
  VaultDataBusy: 'waitAndRetry',
  VaultServiceUnreachable: 'stopOtherLocalVault',
  VaultPortInUse: 'chooseLocalVaultPort',
  VaultPortForbidden: 'chooseLocalVaultPort',
  AdminTokenRequired: 'reportProblem',
  VaultNotFound: 'reportProblem',
  VaultAlreadyExists: 'reportProblem',
  AgentPackageUnavailable: 'reportProblem',
  RangeNotSatisfiable: 'retryLater',
} as const satisfies Record<string, NextAction>;

/** Codes built as literals where they are thrown. */
const OTHERS = {
  AgentConfigCorrupt: 'registerAgain',
  // The credentials file's vault service and the agent it needs (vault/choose.ts, vault/local.ts).
  AgentNeedsLinux: 'selectCredentials',
  AgentNeedsWindows: 'selectCredentials',
  CredentialsIssuerUnavailable: 'downloadNewCredentials',
  VaultBackendNotAvailable: 'selectCredentials',
  VaultBackendUnknown: 'selectCredentials',
  // The agent on the server (agents/reference): its clock, its lock, and an answer that cannot be read.
  ServerClockSkew: 'checkClock',
  AgentBusy: 'waitAndRetry',
  AgentNotInstalled: 'registerAgain',
  AgentAnswerInvalid: 'reportProblem',
  AgentRequestInvalid: 'reportProblem',
  AgentFailed: 'reportProblem',
  AgentNotConfigured: 'register',
  AgentNotRegistered: 'register',
  AgentProxyPasswordFileMissing: 'registerAgain',
  AgentProxyPasswordFileUnsafe: 'checkPermissions',
  DataSizeUnsupportedTarget: 'chooseCacheFolder',
  InstallFolderNotAbsolute: 'chooseInstallFolder',
  MachineCertificateMissing: 'registerAgain',
  NothingToChange: 'changeProperties',
  PassphraseLocationNotConfirmed: 'choosePassphraseFileLocation',
  PassphraseMismatch: 'changePassphraseWithSecurityPin',
  ProxyAuthorizationUnsupported: 'checkProxySettings',
  ProxySettingsInvalid: 'checkProxySettings',
  ProxyUrlInvalid: 'checkProxySettings',
  TargetReadFailed: 'checkPermissions',
  TargetWriteFailed: 'checkPermissions',
  VaultUnhealthy: 'retryLater',
} as const satisfies Record<string, NextAction>;

/** The setup's own codes and their next steps. */
export const SETUP_ACTIONS: Readonly<Record<string, NextAction>> = { ...CACHE, ...INSTALL, ...PASSPHRASE, ...TRUST, ...SSH, ...FLEET, ...LOCAL_VAULT, ...OTHERS };

/**
 * Every error code the setup can show, by family, with its next step: what the user does about it
 * (a NextAction, which each surface turns into a button or an instruction). Each family is a
 * const object in the module that raises its codes; this record names every code of every
 * family, so the compiler refuses a code without a step.
 *
 * Adding a code: one line in its family's object (or a new family: its module plus a line in
 * Families and a section below); `tsc` then asks for its step here, and the l10n unit test for
 * its Spanish template in l10n/errors.es.json.
 *
 * Every code has a step: the house rule is that no refusal is a dead end. `reportProblem` is the
 * step for what only the setup's maintainers can fix.
 */
import type { AgentCode } from './agents/codes';
import type { MarsCode } from './agents/mars/codes';
import type { CacheCode } from './cache/checkFolder';
import type { ConnectivityCode } from './connectivity/check';
import type { CredentialsCode } from './credentials/errors';
import type { FleetCode } from './fleet/types';
import type { NetworkCode } from './http/networkErrors';
import type { HttpCode } from './http/request';
import type { InstallCode } from './install/codes';
import type { NextAction } from './nextActions';
import type { PassphraseCode } from './passphrase/codes';
import type { ProxyCode } from './proxy/codes';
import type { ServiceCode } from './service/codes';
import type { TargetCode } from './target/codes';
import type { SshCode } from './target/ssh/types';
import type { TrustCode } from './trust/codes';
import type { AzureCode } from './vault/azure/codes';
import type { BackendCode } from './vault/codes';
import type { VaultCode } from './vaultCodes';

/** Each family's codes, by the name its section has below. */
interface Families {
  vault: VaultCode;
  credentials: CredentialsCode;
  network: NetworkCode;
  http: HttpCode;
  connectivity: ConnectivityCode;
  trust: TrustCode;
  proxy: ProxyCode;
  cache: CacheCode;
  install: InstallCode;
  agent: AgentCode;
  mars: MarsCode;
  passphrase: PassphraseCode;
  target: TargetCode;
  ssh: SshCode;
  fleet: FleetCode;
  service: ServiceCode;
  backend: BackendCode;
  azure: AzureCode;
}
export type ErrorFamily = keyof Families;

/** Every code a SetupError can carry. */
export type ErrorCode = Families[ErrorFamily];

export const ERROR_CATALOGUE: { readonly [F in ErrorFamily]: Readonly<Record<Families[F], NextAction>> } = {
  /** The vault's answers (the real vault's ids where agent facts §2 gives one), and the local vault service's own refusals. */
  vault: {
    '400': 'reportProblem',
    CsrInvalid: 'reportProblem',
    ClientCertificateRequired: 'reportProblem',
    '34513': 'downloadNewCredentials',
    CBPUserExpiredVaultCredential: 'downloadNewCredentials',
    CBPVaultCredentialNotYetValid: 'checkClock',
    MachineCertificateUntrusted: 'registerAgain',
    MachineCertificateSuperseded: 'registerAgain',
    MachineCertificateExpired: 'registerAgain',
    RegistrationForbidden: 'registerAgain',
    RegistrationNotFound: 'registerAgain',
    RegistrationNotActive: 'registerAgain',
    '100110': 'useCredentialsOfRegisteredVault',
    VaultMachineLimitReached: 'unregisterAnotherMachine',
    SecurityPinInvalid: 'generateNewSecurityPin',
    SecurityPinExpired: 'generateNewSecurityPin',
    SecurityPinAlreadyUsed: 'generateNewSecurityPin',
    PayloadTooLarge: 'reportProblem',
    NotFound: 'checkVaultEndpoint',
    MethodNotAllowed: 'checkVaultEndpoint',
    AgentPackageUnavailable: 'reportProblem',
    RangeNotSatisfiable: 'retryLater',
    AdminTokenRequired: 'reportProblem',
    VaultNotFound: 'reportProblem',
    VaultAlreadyExists: 'reportProblem',
    InternalError: 'retryLater',
    VaultDataCorrupt: 'moveLocalVaultData',
    VaultDataUnreadable: 'checkPermissions',
    VaultDataInUse: 'stopOtherLocalVault',
    VaultDataBusy: 'waitAndRetry',
    VaultServiceUnreachable: 'stopOtherLocalVault',
    VaultPortInUse: 'chooseLocalVaultPort',
    VaultPortForbidden: 'chooseLocalVaultPort',
    VaultErrorUnknown: 'reportProblem',
  },
  /** This machine's reading of a vault credentials file. */
  credentials: {
    VaultCredentialBadExtension: 'renameCredentialsFile',
    VaultCredentialTooLarge: 'downloadNewCredentials',
    VaultCredentialInvalidEncoding: 'downloadNewCredentials',
    VaultCredentialEncodingMismatch: 'downloadNewCredentials',
    VaultCredentialUnsupportedEncoding: 'downloadNewCredentials',
    VaultCredentialUnsafeXml: 'downloadNewCredentials',
    VaultCredentialMalformedXml: 'downloadNewCredentials',
    VaultCredentialWrongRoot: 'downloadNewCredentials',
    VaultCredentialLegacy: 'downloadNewCredentials',
    VaultCredentialSiteRecovery: 'downloadNewCredentials',
    VaultCredentialInvalidField: 'downloadNewCredentials',
    VaultCredentialCorruptCertificate: 'downloadNewCredentials',
    VaultCredentialPfxPassword: 'downloadNewCredentials',
    VaultCredentialNoPrivateKey: 'downloadNewCredentials',
    VaultCredentialKeyMismatch: 'downloadNewCredentials',
    VaultCredentialWrongKeyUsage: 'downloadNewCredentials',
    CBPUserExpiredVaultCredential: 'downloadNewCredentials',
    VaultCredentialNotYetValid: 'waitAndRetry',
    VaultCredentialClockSkew: 'checkClock',
    '34528': 'checkFileAccess',
  },
  /** Between this machine (or the server) and the vault; socket and TLS errors are mapped to these. */
  network: {
    DnsLookupFailed: 'checkNetwork',
    ConnectionRefused: 'checkVaultEndpoint',
    HostUnreachable: 'checkNetwork',
    ConnectionReset: 'retryLater',
    ConnectTimeout: 'checkNetwork',
    ResponseTimeout: 'retryLater',
    ProxyUnreachable: 'checkProxySettings',
    ProxyAuthRequired: 'checkProxyCredentials',
    ProxyConnectFailed: 'checkProxySettings',
    TlsUntrustedCertificate: 'trustVaultCertificate',
    TlsHostnameMismatch: 'checkVaultEndpoint',
    TlsCertificateExpired: 'checkClock',
    TlsCertificateNotYetValid: 'checkClock',
    TlsClientCertificateRejected: 'downloadNewCredentials',
    TlsHandshakeFailed: 'checkNetwork',
    NetworkError: 'checkNetwork',
  },
  /** Answers that arrived but cannot be used. */
  http: {
    HttpError: 'retryLater',
    InvalidResponse: 'checkVaultEndpoint',
    ResponseTooLarge: 'checkVaultEndpoint',
  },
  connectivity: {
    VaultUnhealthy: 'retryLater',
    VaultEndpointInvalid: 'checkVaultEndpoint',
  },
  /** Trusting a vault's certificate. */
  trust: {
    TrustedCertificateUnreadable: 'trustVaultCertificate',
    TrustedCertificateNotPem: 'trustVaultCertificate',
    TrustedCertificateDoesNotVerify: 'trustVaultCertificate',
    TrustedCertificateNothingPresented: 'checkVaultEndpoint',
  },
  proxy: {
    ProxySettingsInvalid: 'checkProxySettings',
    ProxyUrlInvalid: 'checkProxySettings',
    ProxyAuthorizationUnsupported: 'checkProxySettings',
  },
  cache: {
    CacheFolderNotAbsolute: 'chooseCacheFolder',
    CacheFolderNotLocal: 'chooseCacheFolder',
    CacheFolderNotCreatable: 'chooseCacheFolder',
    CacheFolderNotWritable: 'chooseCacheFolder',
    CacheFolderTooSmall: 'chooseCacheFolder',
  },
  /** Downloading, unpacking and installing the agent. */
  install: {
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
  },
  /** The agent on the server (src/agent) and its files. */
  agent: {
    InstallFolderNotAbsolute: 'chooseInstallFolder',
    InstallRecordUnreadable: 'checkPermissions',
    // Giving the install folder passes the record by; setting up there again rewrites it.
    InstallRecordInvalid: 'chooseInstallFolder',
    AgentNotInstalled: 'registerAgain',
    AgentNotConfigured: 'register',
    AgentNotRegistered: 'register',
    // The configuration, or its certificate: only a new registration writes sound ones.
    AgentConfigCorrupt: 'registerAgain',
    MachineCertificateMissing: 'registerAgain',
    AgentProxyPasswordFileMissing: 'registerAgain',
    AgentProxyPasswordFileUnsafe: 'checkPermissions',
    AgentBusy: 'waitAndRetry',
    ServerClockSkew: 'checkClock',
    AgentUsage: 'reportProblem',
    AgentRequestInvalid: 'reportProblem',
    AgentAnswerInvalid: 'reportProblem',
    AgentFailed: 'reportProblem',
    AgentErrorUnknown: 'reportProblem',
  },
  /** The MARS agent's own refusals (agent facts §2); its others share the vault's, credentials and network codes. */
  mars: {
    // Rights on the vault or its machine limit: the admin checks the vault's access and machines.
    MarsVaultAccessDenied: 'checkPermissions',
    MarsCacheOrKeyFileUnusable: 'chooseCacheFolder',
    // A bad signature may be a damaged download: fetching it again is the first thing to try.
    MarsInstallerSignatureInvalid: 'retryLater',
    MarsInstallerFailed: 'reportProblem',
    MarsScriptNoResult: 'reportProblem',
    MarsRegistrationAtVaultOnly: 'checkAzureVault',
    MarsSecurityPinMissing: 'generateNewSecurityPin',
  },
  passphrase: {
    PassphraseTooShort: 'choosePassphrase',
    PassphraseNotAscii: 'choosePassphrase',
    PassphraseControlCharacters: 'choosePassphrase',
    PassphraseWeak: 'choosePassphrase',
    PassphraseFileInInstallFolder: 'choosePassphraseFileLocation',
    PassphraseFileInCacheFolder: 'choosePassphraseFileLocation',
    PassphraseFileInWorkspace: 'choosePassphraseFileLocation',
    PassphraseFileInGitWorkTree: 'choosePassphraseFileLocation',
    PassphraseFileOnProtectedServer: 'choosePassphraseFileLocation',
    PassphraseLocationNotConfirmed: 'choosePassphraseFileLocation',
    PassphraseInvalid: 'choosePassphrase',
    PassphraseMismatch: 'changePassphraseWithSecurityPin',
    PassphraseFileExists: 'choosePassphraseFileLocation',
    PassphraseFileWriteFailed: 'choosePassphraseFileLocation',
    PassphraseFileVerifyFailed: 'choosePassphraseFileLocation',
    PassphraseFileUnreadable: 'checkFileAccess',
    PassphraseFileMalformed: 'choosePassphrase',
    // The configuration's verifier: only a new registration writes a sound one.
    PassphraseVerifierInvalid: 'registerAgain',
  },
  /** Files on the machine being set up. */
  target: {
    TargetReadFailed: 'checkPermissions',
    TargetWriteFailed: 'checkPermissions',
    DataSizeUnsupportedTarget: 'chooseCacheFolder',
    DataFolderUnreadable: 'checkDataFolders',
    WindowsNotElevated: 'runAsAdministrator',
  },
  ssh: {
    SshInvalidDestination: 'chooseServer',
    SshConnectFailed: 'checkServerReachable',
    SshHostKeyNotTrusted: 'chooseServer',
    SshHostKeyChanged: 'checkHostKey',
    SshAuthenticationFailed: 'checkSshSignIn',
    SshKeyUnusable: 'checkSshSignIn',
    SshConnectionLost: 'retryLater',
    SshSftpUnavailable: 'enableSftp',
    SshProxyCommandFailed: 'checkSshConfig',
    SshForwardRefused: 'allowPortForwarding',
    // Neither POSIX nor Windows PowerShell answered: only another server helps.
    SshShellUnsupported: 'chooseServer',
    SshLoginWritesOutput: 'quietLoginOutput',
  },
  fleet: {
    FleetEmpty: 'changeFleet',
    FleetTooLarge: 'changeFleet',
    FleetDuplicateServer: 'changeFleet',
    FleetInvalidConcurrency: 'setFleetConcurrency',
    FleetPassphraseFolderMissing: 'changeFleet',
    FleetPassphraseFileClash: 'changeFleet',
    FleetCredentialsPerBackend: 'selectCredentials',
    AlreadyRegistered: 'registerAgain',
    Unexpected: 'reportProblem',
  },
  service: {
    NothingToChange: 'changeProperties',
    CredentialsNotSelected: 'selectCredentials',
    PassphraseNotSet: 'choosePassphrase',
    ServerNameInvalid: 'chooseServerName',
    UnexpectedError: 'reportProblem',
  },
  /** The credentials file's vault service and the agent it needs (vault/choose.ts, vault/local.ts), and issuing one (vault/azure). */
  backend: {
    VaultBackendUnknown: 'selectCredentials',
    VaultBackendNotAvailable: 'selectCredentials',
    AgentNeedsWindows: 'selectCredentials',
    AgentNeedsLinux: 'selectCredentials',
    AgentNotOfferedHere: 'setUpFromVsCode',
    CredentialsIssuerUnavailable: 'downloadNewCredentials',
    SecurityPinIssuerUnavailable: 'generateNewSecurityPin',
    // Azure's answer does not fit its documented shape: only a new version of the setup can read it.
    AzureVaultCertificateResponseInvalid: 'reportProblem',
    AzureVaultCertificateWrongAuthType: 'reportProblem',
    AzureVaultResourceIdInvalid: 'reportProblem',
    CredentialsFileExists: 'chooseOutputFolder',
    CredentialsFileNotWritten: 'chooseOutputFolder',
  },
  /** Azure Resource Manager's refusals and the sign-in to it (vault/azure). */
  azure: {
    AzureSignInRequired: 'signInToAzure',
    AzureAccessDenied: 'askForAzureRole',
    AzureResourceNotFound: 'checkAzureVault',
    AzureThrottled: 'waitAndRetry',
    AzureServiceUnavailable: 'retryLater',
    AzureRequestFailed: 'reportProblem',
    AzureTokenNotForEndpoint: 'signInToAzure',
    // Only a defect (or a foreign nextLink) sends a request elsewhere.
    AzureOffEndpointRequest: 'reportProblem',
    AzureCredentialUnavailable: 'signInToAzure',
    AzureSignedOut: 'signInToAzure',
    AzureEndpointInvalid: 'checkAzureVault',
    AzureVaultNotInRecentSubscriptions: 'checkAzureVault',
    AzureSubscriptionIdInvalid: 'checkAzureVault',
    AzureResourceGroupNameInvalid: 'checkAzureVault',
    AzureVaultNameInvalid: 'checkAzureVault',
  },
};

/** The catalogue by code alone. A code in two families (the vault's and the credentials file's expired file) has one step in both: a unit test checks. */
const STEPS: ReadonlyMap<string, NextAction> = new Map(Object.values(ERROR_CATALOGUE).flatMap((family) => Object.entries(family)));

/** Whether a code from outside (the vault's answer, another version's agent) is one this build knows. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && STEPS.has(code);
}

/** The next step for a code. */
export function nextActionOf(code: ErrorCode): NextAction {
  return STEPS.get(code)!;
}

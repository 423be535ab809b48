/** The setup service: the API every adapter (VS Code, CLI, SSH targets) calls. */
export { SetupService, type CheckedConnectivity, type VaultEndpointInput, type WithProblem } from './setupService';
export { statusChoice } from './status';
export { UNREGISTER_STAGES, type UnregisterStage } from './unregister';
export { STAGE_LABELS, stageLabelOf } from './stageLabels';
export type { AgentOnTarget } from '../agents/driver';
export type { DataToProtect } from './cacheOnTarget';
export { GIB } from '../cache/sizeText';
export { EXPIRY_WARNING_MS } from './prepare';
export * from './types';
export { SetupWarningCode } from './warnings';
export type { ErrorParams } from '../errors';
export type { PresentedVaultCertificate, VerifiedVaultCa } from './trust';
export { checkPassphraseRules, passphraseStrength, type PassphraseFilePlace } from './passphrase';
export { generatePassphrase } from '../passphrase/generate';
export { proposedPassphraseFile } from '../passphrase/file';
export { givenServerName } from './serverName';
export type { PassphraseLocationWarning } from '../passphrase/location';
export { parseProxySettings, type ProxyMode, type ProxySettings } from '../proxy/settings';
export { Secret } from '../secret';
export type { Target } from '../target/target';

// What the adapters need beside the service itself, so that they reach the core only here (the
// lint rule for src/vscode/features says so). Heavy parts stay behind `await import()`: SSH's
// connection through openSshTarget (./ssh.ts); the rest here is light or already on the common path.
export { CancelledError, isSetupError, raceAbort, SetupError } from '../errors';
export type { ErrorCode } from '../errorCatalogue';
export { actionOf, nextStep, type NextAction, type NextStepContext } from '../registration/errors';
export { NEXT_ACTION_INSTRUCTIONS } from '../nextActionInstructions';
export type { Logger } from '../log';
export { deriveRegistrationState, splitTimeLeft, type RegistrationState } from '../status';
export { endpointKey, endpointOfError, trustFromFileMap, type TrustedCertificate } from '../trust/endpoint';
export { resolveProxy, type ProxyContext } from '../proxy/resolve';
export { LocalTarget } from '../target/local';
export { thisMachineTarget } from '../target/windows/localWindows';
export type { SshTarget } from '../target/ssh/sshTarget';
export type { HostKeyInfo, SshDestination, SshPrompts } from '../target/ssh/types';
export { resolveDestination } from '../target/ssh/destination';
export { defaultKnownHostsFile } from '../target/ssh/knownHosts';
export { defaultSshConfigFile, listConfigHosts } from '../target/ssh/sshConfig';
export { openSshTarget } from './ssh';
export { agentFolderProblem, credentialsForRun, folderForServer, serversToRetry, startFleet, SERVER_TOKEN, type AgentFolders, type RunCredentials, type FinalState, type FleetInput, type FleetReport, type FleetRun, type FleetServer, type FleetShared, type ServerRow, type ServerState } from '../fleet';
export type { BackendHost, VaultBackend } from '../vault/backend';
export type { AgentKind, BackendKind } from '../vault/kinds';
export { AzureVaultBackend } from '../vault/azure/backend';
export { type MarsAdapter } from '../agents/mars/factory';
export { MARS_DEFAULT_INSTALL_FOLDER } from '../config/layout';
export type { RegisteredAt } from '../agents/mars/driver';
export type { SecurityPinPrompt } from '../agents/mars/pin';
export { adminIssuer, LocalVaultBackend, type VaultIssuer } from '../vault/local';
export { writeFileAtomic } from '../fs/atomic';
export { templatedMessage } from '../l10n/template';
export { azureSignInPlan, isSubscriptionId, type AzureSignIn, type AzureSignInPlan, type SignInSettings } from '../vault/azure/signInPlan';
export { azureSignedOut, sessionToken, type ArmTokenSource } from '../vault/azure/token';
export { inPrivateCredentialsFolder, removeIssuedFile } from '../vault/issuedFile';
export type { RecoveryPointsSummary, RegisteredServer, SubscriptionSummary, TenantSummary, VaultRef, VaultSummary } from '../vault/azure/arm';
/** The Azure client layer (the Azure SDKs), loaded on first use: its own chunk, never on the common path. */
export const loadAzure = () => import('./azure');

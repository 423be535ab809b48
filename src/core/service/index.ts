/** The setup service: the API every adapter (VS Code, CLI, SSH targets) calls. */
export { SetupService, type CheckedConnectivity, type VaultEndpointInput, type WithProblem } from './setupService';
export { UNREGISTER_STAGES, type UnregisterStage } from './unregister';
export type { AgentOnTarget } from '../agents/driver';
export type { DataToProtect } from './cacheOnTarget';
export { EXPIRY_WARNING_MS } from './prepare';
export * from './types';
export type { PresentedVaultCertificate, VerifiedVaultCa } from './trust';
export { checkPassphraseRules, passphraseStrength, type PassphraseFilePlace } from './passphrase';
export { generatePassphrase } from '../passphrase/generate';
export { proposedPassphraseFile } from '../passphrase/file';
export type { PassphraseLocationWarning } from '../passphrase/location';
export { parseProxySettings, type ProxyMode, type ProxySettings } from '../proxy/settings';
export { Secret } from '../secret';
export type { Target } from '../target/target';
export { actionOf, type NextStepContext } from '../registration/errors';
export type { NextAction } from '../nextActions';
export { azureSignInPlan, isSubscriptionId, type AzureSignIn, type AzureSignInPlan, type SignInSettings } from '../vault/azure/signInPlan';
export { azureSignedOut, sessionToken, type ArmTokenSource } from '../vault/azure/token';
export { inPrivateCredentialsFolder, removeIssuedFile } from '../vault/issuedFile';
export type { VaultRef, VaultSummary } from '../vault/azure/arm';
/** The Azure client layer (the Azure SDKs), loaded on first use: its own chunk, never on the common path. */
export const loadAzure = () => import('./azure');

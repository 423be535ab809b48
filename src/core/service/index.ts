/** The setup service: the API every adapter (VS Code, CLI, SSH targets) calls. */
export { SetupService, type CheckedConnectivity, type VaultEndpointInput, type WithProblem } from './setupService';
export { UNREGISTER_STAGES, type UnregisterStage } from './unregister';
export type { AgentOnTarget } from '../agents/driver';
export type { DataToProtect } from './cacheOnTarget';
export { EXPIRY_WARNING_MS } from './prepare';
export * from './types';
export { SetupWarningCode } from './warnings';
export type { ErrorParams } from '../errors';
export type { PresentedVaultCertificate, VerifiedVaultCa } from './trust';
export { checkPassphraseRules, passphraseStrength, type PassphraseFilePlace } from './passphrase';
export { generatePassphrase } from '../passphrase/generate';
export { proposedPassphraseFile } from '../passphrase/file';
export type { PassphraseLocationWarning } from '../passphrase/location';
export { parseProxySettings, type ProxyMode, type ProxySettings } from '../proxy/settings';
export { Secret } from '../secret';
export type { Target } from '../target/target';

/** The setup service: the API every adapter (VS Code, CLI, SSH targets) calls. */
export { SetupService, type CheckedConnectivity, type VaultEndpointInput, type WithProblem } from './setupService';
export { UNREGISTER_STAGES, type UnregisterStage } from './unregister';
export type { AgentOnTarget } from '../agents/driver';
export type { DataToProtect } from './cacheOnTarget';
export { EXPIRY_WARNING_MS } from './prepare';
export * from './types';
export type { PresentedVaultCertificate, VerifiedVaultCa } from './trust';

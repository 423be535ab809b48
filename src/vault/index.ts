/**
 * The local vault: a stand-in for the Azure backup vault's registration service, run by the
 * CLI (`npm run vault -- serve`), by tests, or inside the extension host.
 */
export { startVault, type RunningVault, type StartVaultOptions } from './service';
export { openVaultAdmin, DEFAULT_ENDPOINT, type OpenAdminOptions, type VaultAdminSession } from './session';
export type { CreateVaultInput, CredentialsFile, CredentialsOptions, VaultAdmin, VaultSummary } from './admin';
export type { VaultIdentity } from './issuer';
export type { RegistrationStatus, RegistrationView } from './model';
export type { SecurityPin } from './registry';
export { PIN_LIFETIME_MS } from './registry';
export { MAX_MACHINES_PER_VAULT } from './model';
export { VaultCode, VaultError, type ErrorBody } from './errors';
export { DATA_DIR_ENV, DEFAULT_DATA_DIR, resolveDataDir } from './layout';
export type { VaultLogger } from './log';
export type { VaultTimeouts } from './http/listen';
export { SERVICE_NAME, SERVICE_VERSION, API_VERSION } from './version';

/**
 * The ARM api-version each Azure client sends, pinned to what the npm SDKs send (ARM facts §2:
 * which version every region accepts is unconfirmed, so pin one the SDK itself uses). The local
 * vault's ARM emulator accepts exactly these. Import-free, so any bundle can read them.
 */

/** `@azure/arm-recoveryservices` 7.2: vaults, vault certificates, registered identities. */
export const RECOVERY_SERVICES_API_VERSION = '2026-07-01';

/** `@azure/arm-recoveryservicesbackup` 12.0: backup protection containers. */
export const RECOVERY_SERVICES_BACKUP_API_VERSION = '2023-06-01';

/** `@azure/arm-resources-subscriptions` 3.0: tenants and subscriptions (Microsoft.Resources). */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

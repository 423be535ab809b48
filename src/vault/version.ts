/** What the health endpoint reports about this service. */
export const SERVICE_NAME = 'local-backup-vault';
export const SERVICE_VERSION = '1.0.0';
export const API_VERSION = 'v1';

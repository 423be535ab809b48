/**
 * The persisted state of a data folder (state.json) and its schema. Dates are ISO strings so the
 * file reads the same in every process; the schema is checked on every load so that a damaged
 * file stops the service with a clear error instead of misbehaving later.
 */
import * as z from 'zod';

const STATE_FORMAT_VERSION = 1;
/** The real vault's limit (agent facts §2). */
export const MAX_MACHINES_PER_VAULT = 50;

const isoDate = z.iso.datetime();

const vaultIdentitySchema = z.strictObject({
  name: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  location: z.string(),
  resourceId: z.string().regex(/^\d+$/),
  tenantId: z.string(),
});

const credentialsRecordSchema = z.strictObject({
  fingerprint256: z.string().regex(/^[0-9a-f]{64}$/),
  notBefore: isoDate,
  notAfter: isoDate,
  issuedAt: isoDate,
});

const pinRecordSchema = z.strictObject({
  /** SHA-256 of vault name and PIN: the PIN itself is never stored. */
  hash: z.string(),
  expiresAt: isoDate,
  usedAt: isoDate.nullable(),
});

const vaultRecordSchema = z.strictObject({
  identity: vaultIdentitySchema,
  createdAt: isoDate,
  credentials: credentialsRecordSchema.nullable(),
  pins: z.array(pinRecordSchema),
});

const REGISTRATION_STATUSES = ['registered', 'unregistered', 'revoked'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

const registrationRecordSchema = z.strictObject({
  id: z.string(),
  vault: z.string(),
  machineId: z.string(),
  serverName: z.string(),
  os: z.strictObject({ name: z.string(), version: z.string() }),
  agentVersion: z.string(),
  status: z.enum(REGISTRATION_STATUSES),
  registeredAt: isoDate,
  updatedAt: isoDate,
  passphraseChangedAt: isoDate.nullable(),
  /** What the server backs up to the vault: what removing it would orphan. Absent in older data. */
  backupItems: z
    .array(
      z.strictObject({
        name: z.string(),
        lastBackupAt: isoDate,
        /** Each backup's time, oldest first: the item's recovery points. Absent in older data: the last backup alone. */
        recoveryPoints: z.array(isoDate).optional(),
      }),
    )
    .default([]),
  /** The only machine certificate accepted for this registration (the latest one issued). */
  certificate: z.strictObject({ fingerprint256: z.string(), notAfter: isoDate }),
});

export const stateSchema = z.strictObject({
  formatVersion: z.literal(STATE_FORMAT_VERSION),
  /** The URL the service last listened on: the endpoint written into files issued offline. */
  serviceUrl: z.string().nullable(),
  vaults: z.record(z.string(), vaultRecordSchema),
  registrations: z.record(z.string(), registrationRecordSchema),
});

export type VaultState = z.infer<typeof stateSchema>;
export type VaultRecord = z.infer<typeof vaultRecordSchema>;
export type RegistrationRecord = z.infer<typeof registrationRecordSchema>;

/** An item's recovery points (each backup's time, oldest first). */
export function recoveryPointsOf(item: RegistrationRecord['backupItems'][number]): string[] {
  return item.recoveryPoints ?? [item.lastBackupAt];
}

export function emptyState(): VaultState {
  return { formatVersion: STATE_FORMAT_VERSION, serviceUrl: null, vaults: {}, registrations: {} };
}

/** What the API shows of a registration. */
export interface RegistrationView {
  registrationId: string;
  vault: string;
  machineId: string;
  serverName: string;
  os: { name: string; version: string };
  agentVersion: string;
  status: RegistrationStatus;
  registeredAt: string;
  updatedAt: string;
  lastPassphraseChangeAt: string | null;
  certificateNotAfter: string;
  backupItems: Array<{ name: string; lastBackupAt: string }>;
}

export function registrationView(r: RegistrationRecord): RegistrationView {
  return {
    registrationId: r.id,
    vault: r.vault,
    machineId: r.machineId,
    serverName: r.serverName,
    os: r.os,
    agentVersion: r.agentVersion,
    status: r.status,
    registeredAt: r.registeredAt,
    updatedAt: r.updatedAt,
    lastPassphraseChangeAt: r.passphraseChangedAt,
    certificateNotAfter: r.certificate.notAfter,
    backupItems: r.backupItems.map(({ name, lastBackupAt }) => ({ name, lastBackupAt })),
  };
}

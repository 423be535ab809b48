/**
 * The vault's rules, as synchronous operations on the in-memory state. Each one checks
 * everything before it changes anything (see Store), and takes the time from the caller so the
 * rules can be tested with a clock of their own.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { VaultCode, VaultError } from './errors';
import {
  MAX_MACHINES_PER_VAULT,
  recoveryPointsOf,
  type RegistrationRecord,
  type VaultRecord,
  type VaultState,
} from './model';
import type { IssuedCredentials, VaultIdentity } from './issuer';
import { untracked } from './store';

/** The real vault's security PIN lifetime (agent facts §3). */
export const PIN_LIFETIME_MS = 5 * 60_000;
/** Used and expired PINs are kept this long so a late retry is told "used" or "expired", not "wrong". */
const PIN_RETENTION_MS = 24 * 3_600_000;

export interface CreateVaultInput {
  name: string;
  resourceGroup?: string;
  subscriptionId?: string;
  location?: string;
}

export function createVault(state: VaultState, input: CreateVaultInput, now: Date): VaultIdentity {
  if (Object.hasOwn(state.vaults, input.name)) {
    throw new VaultError(VaultCode.VaultAlreadyExists, `A vault named ${input.name} already exists.`, undefined, { vault: input.name });
  }
  const subscriptionId = input.subscriptionId ?? randomUUID();
  // A subscription belongs to one directory: a second vault in it joins the first one's tenant.
  const sibling = Object.values(state.vaults).find((v) => v.identity.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
  const identity: VaultIdentity = {
    name: input.name,
    subscriptionId,
    resourceGroup: input.resourceGroup ?? 'local-backup-rg',
    location: input.location ?? 'local',
    // Always past 2^53, as real ones are, so every client meets JSON.parse's rounding (ARM facts §1).
    resourceId: ((randomBytes(8).readBigUInt64BE() >> 2n) | (1n << 62n)).toString(),
    tenantId: sibling?.identity.tenantId ?? randomUUID(),
  };
  state.vaults[input.name] = { identity, createdAt: now.toISOString(), credentials: null, pins: [] };
  return identity;
}

export function findVault(state: VaultState, name: string): VaultRecord {
  // Own keys only: a name such as `constructor` or `__proto__` must not find Object.prototype's.
  const vault = Object.hasOwn(state.vaults, name) ? state.vaults[name] : undefined;
  if (!vault) throw new VaultError(VaultCode.VaultNotFound, `There is no vault named ${name}.`, undefined, { vault: name });
  return vault;
}

/** A credentials certificate as the vault knows it: the file's own, or one uploaded through ARM. */
export type CredentialsCertificate = Pick<IssuedCredentials, 'fingerprint256' | 'notBefore' | 'notAfter'>;

/** Makes `issued` the vault's only accepted credentials: earlier files stop working. */
export function recordCredentials(state: VaultState, name: string, issued: CredentialsCertificate, now: Date): void {
  findVault(state, name).credentials = {
    fingerprint256: issued.fingerprint256,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
    issuedAt: now.toISOString(),
  };
}

/** The vault whose latest credentials certificate has this fingerprint, if still within its validity. */
export function authenticateCredentials(state: VaultState, fingerprint256: string, now: Date): VaultRecord {
  const vault = Object.values(state.vaults).find((v) => v.credentials?.fingerprint256 === fingerprint256);
  const creds = vault?.credentials;
  if (!vault || !creds) {
    throw new VaultError(
      VaultCode.CredentialsInvalid,
      'The vault credentials are not valid: they are not the latest file downloaded for any vault. Download a new vault credentials file.',
    );
  }
  const params = { vault: vault.identity.name, notBefore: creds.notBefore, notAfter: creds.notAfter };
  if (now.getTime() < Date.parse(creds.notBefore)) {
    throw new VaultError(
      VaultCode.CredentialsNotYetValid,
      `The vault credentials are not valid before ${creds.notBefore}. Check this machine's clock and time zone.`,
      undefined,
      params,
    );
  }
  if (now.getTime() > Date.parse(creds.notAfter)) {
    throw new VaultError(
      VaultCode.CredentialsExpired,
      `The vault credentials expired at ${creds.notAfter}. Download a new vault credentials file and use it within ${hoursBetween(creds.notBefore, creds.notAfter)} hours.`,
      undefined,
      params,
    );
  }
  return vault;
}

function hoursBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 3_600_000);
}

export interface SecurityPin {
  pin: string;
  expiresAt: Date;
}

export function issueSecurityPin(state: VaultState, name: string, now: Date): SecurityPin {
  const vault = findVault(state, name);
  const pin = String(randomInt(0, 100_000_000)).padStart(8, '0');
  const expiresAt = new Date(now.getTime() + PIN_LIFETIME_MS);
  vault.pins = vault.pins.filter((p) => Date.parse(p.expiresAt) + PIN_RETENTION_MS > now.getTime());
  vault.pins.push({ hash: pinHash(name, pin), expiresAt: expiresAt.toISOString(), usedAt: null });
  return { pin, expiresAt };
}

function pinHash(vault: string, pin: string): string {
  return createHash('sha256').update(`${vault}\0${pin}`).digest('hex');
}

export interface RegistrationInput {
  serverName: string;
  machineId: string;
  os: { name: string; version: string };
  agentVersion: string;
}

export interface MachineCertificate {
  pem: string;
  fingerprint256: string;
  notAfter: Date;
}

/**
 * Registers a machine, or registers it again (same id, new certificate; the old certificate
 * stops being accepted). `issueCertificate` runs only once every rule has passed.
 */
export function register(
  state: VaultState,
  vault: VaultRecord,
  input: RegistrationInput,
  issueCertificate: () => MachineCertificate,
  now: Date,
): { record: RegistrationRecord; certificate: MachineCertificate; created: boolean } {
  const machineId = input.machineId.toLowerCase();
  const vaultName = vault.identity.name;
  // Read-only scans: `existing` is only read, and the new record is written through `state`.
  const mine = Object.values(untracked(state.registrations)).filter((r) => r.machineId === machineId);
  const elsewhere = mine.find((r) => r.vault !== vaultName && r.status === 'registered');
  if (elsewhere) {
    throw new VaultError(
      VaultCode.RegisteredToAnotherVault,
      `This machine is already registered to vault ${elsewhere.vault}. Unregister it there first, or use that vault's credentials.`,
      undefined,
      { vault: elsewhere.vault },
    );
  }
  const existing = mine.find((r) => r.vault === vaultName);
  if (existing?.status !== 'registered' && activeMachines(state, vaultName) >= MAX_MACHINES_PER_VAULT) {
    throw new VaultError(
      VaultCode.MachineLimitReached,
      `Vault ${vaultName} already has ${MAX_MACHINES_PER_VAULT} registered machines, the most a vault accepts. Unregister one first.`,
      undefined,
      { vault: vaultName, limit: MAX_MACHINES_PER_VAULT },
    );
  }
  const certificate = issueCertificate();
  const at = now.toISOString();
  const record: RegistrationRecord = {
    id: existing?.id ?? randomUUID(),
    vault: vaultName,
    machineId,
    serverName: input.serverName,
    os: { name: input.os.name, version: input.os.version },
    agentVersion: input.agentVersion,
    status: 'registered',
    // Registering a registered machine again keeps its date; after an unregister it is a new registration.
    registeredAt: existing?.status === 'registered' ? existing.registeredAt : at,
    updatedAt: at,
    passphraseChangedAt: existing?.passphraseChangedAt ?? null,
    // A server removed and registered again starts with nothing backed up, as its container did.
    backupItems: existing?.status === 'registered' ? existing.backupItems : [],
    certificate: { fingerprint256: certificate.fingerprint256, notAfter: certificate.notAfter.toISOString() },
  };
  state.registrations[record.id] = record;
  return { record, certificate, created: !existing };
}

function activeMachines(state: VaultState, vault: string): number {
  let n = 0;
  for (const r of Object.values(untracked(state.registrations))) if (r.vault === vault && r.status === 'registered') n++;
  return n;
}

export function findRegistration(state: VaultState, id: string): RegistrationRecord {
  const record = Object.hasOwn(state.registrations, id) ? state.registrations[id] : undefined;
  if (!record) throw new VaultError(VaultCode.RegistrationNotFound, `There is no registration ${id}.`, undefined, { registrationId: id });
  return record;
}

export interface PresentedMachineCertificate {
  fingerprint256: string;
  commonName: string;
}

/** The registration, if the presented (CA-verified) machine certificate is its current one. */
export function authorizeMachine(
  state: VaultState,
  id: string,
  cert: PresentedMachineCertificate,
  now: Date,
): RegistrationRecord {
  const record = findRegistration(state, id);
  if (cert.fingerprint256 !== record.certificate.fingerprint256) {
    if (cert.commonName === record.machineId) {
      throw new VaultError(
        VaultCode.MachineCertificateSuperseded,
        'This machine certificate was replaced by a later registration of the same machine. Use the latest one.',
      );
    }
    throw new VaultError(VaultCode.RegistrationForbidden, 'This machine certificate belongs to another registration.');
  }
  if (now.getTime() > Date.parse(record.certificate.notAfter)) {
    throw new VaultError(VaultCode.MachineCertificateExpired, `The machine certificate expired at ${record.certificate.notAfter}. Register the machine again.`);
  }
  return record;
}

/** Unregistering is idempotent: an inactive registration is returned unchanged. */
export function unregister(record: RegistrationRecord, now: Date): RegistrationRecord {
  if (record.status === 'registered') {
    record.status = 'unregistered';
    record.updatedAt = now.toISOString();
  }
  return record;
}

/**
 * Unregisters every active registration of `serverName` in the vault, as removing the server
 * from the vault does (ARM's registered identity DELETE). Idempotent; a server never registered
 * there is not found.
 */
export function unregisterServer(state: VaultState, vaultName: string, serverName: string, now: Date): RegistrationRecord[] {
  const server = serverName.toLowerCase();
  const records = Object.values(state.registrations).filter((r) => r.vault === vaultName && r.serverName.toLowerCase() === server);
  if (records.length === 0) {
    throw new VaultError(VaultCode.RegistrationNotFound, `No server named ${serverName} was registered to vault ${vaultName}.`, undefined, { vault: vaultName });
  }
  return records.map((r) => unregister(r, now));
}

/**
 * Records that the server backed `item` up now. The reference agent backs nothing up, so the
 * admin stands in for it; what a server backs up is what removing it from the vault orphans.
 */
export function recordBackup(record: RegistrationRecord, item: string, now: Date): RegistrationRecord {
  if (record.status !== 'registered') {
    throw new VaultError(VaultCode.RegistrationNotActive, `Registration ${record.id} is ${record.status}.`, undefined, { status: record.status });
  }
  const at = now.toISOString();
  const existing = record.backupItems.find((b) => b.name === item);
  if (existing) Object.assign(existing, { lastBackupAt: at, recoveryPoints: [...recoveryPointsOf(existing), at] });
  else record.backupItems.push({ name: item, lastBackupAt: at, recoveryPoints: [at] });
  return record;
}

export function revoke(record: RegistrationRecord, now: Date): RegistrationRecord {
  if (record.status !== 'revoked') {
    record.status = 'revoked';
    record.updatedAt = now.toISOString();
  }
  return record;
}

/** Records that the machine changed its passphrase, spending a valid PIN of its vault. */
export function recordPassphraseChange(state: VaultState, record: RegistrationRecord, pin: string, now: Date): RegistrationRecord {
  if (record.status !== 'registered') {
    throw new VaultError(VaultCode.RegistrationNotActive, `Registration ${record.id} is ${record.status}.`, undefined, { status: record.status });
  }
  const hash = pinHash(record.vault, pin);
  const candidates = findVault(state, record.vault).pins.filter((p) => p.hash === hash);
  const live = candidates.find((p) => p.usedAt === null && Date.parse(p.expiresAt) >= now.getTime());
  if (!live) {
    if (candidates.some((p) => p.usedAt !== null)) {
      throw new VaultError(VaultCode.SecurityPinAlreadyUsed, 'This security PIN was already used. Generate a new one in the vault.');
    }
    if (candidates.length > 0) {
      throw new VaultError(VaultCode.SecurityPinExpired, 'This security PIN has expired (PINs are valid for 5 minutes). Generate a new one in the vault.');
    }
    throw new VaultError(VaultCode.SecurityPinInvalid, 'This security PIN is not valid for this vault.');
  }
  const at = now.toISOString();
  live.usedAt = at;
  record.passphraseChangedAt = at;
  record.updatedAt = at;
  return record;
}

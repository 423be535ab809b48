/**
 * The admin operations (create a vault, issue its credentials file or a security PIN, list and
 * revoke registrations) behind one interface with two implementations: this one, working on a
 * Store it owns or shares with a running service, and the HTTP client of a running service's
 * admin API (admin-client.ts). The CLI and the extension pick one through openVaultAdmin.
 */
import * as z from 'zod';
import { RESOURCE_GROUP_NAME, VAULT_NAME } from '../core/vault/azure/names';
import { localAgentLinks } from '../core/vault/localFormat';
import { parseInput } from './http/body';
import { issueCredentials, type IssuedCredentials, type SpareKeys, type VaultIdentity } from './issuer';
import { registrationView, type RegistrationView } from './model';
import * as registry from './registry';
import type { Store } from './store';

export const createVaultSchema = z.strictObject({
  name: z.string().regex(VAULT_NAME, 'A vault name has 2 to 50 letters, digits or hyphens and starts with a letter'),
  resourceGroup: z.string().regex(RESOURCE_GROUP_NAME, 'A resource group has 1 to 90 letters, digits, -_.() and does not end with a period').optional(),
  subscriptionId: z.guid().optional(),
  location: z.string().regex(/^[A-Za-z0-9]{1,40}$/, 'A location is letters and digits').optional(),
});
export type { CreateVaultInput } from './registry';

/** The real cmdlet's 48 h unless asked otherwise; at most a year. */
export const credentialsOptionsSchema = z.strictObject({
  validHours: z.number().positive().max(24 * 365).optional(),
});
export type CredentialsOptions = z.input<typeof credentialsOptionsSchema>;

export const backupSchema = z.strictObject({
  item: z.string().min(1).max(260).regex(/^\P{Cc}+$/u, 'No control characters'),
});

/** What a credentials file download yields: the file, and the facts about its certificate. */
export type CredentialsFile = Omit<IssuedCredentials, 'certPem' | 'keyPem'>;

export interface VaultSummary {
  identity: VaultIdentity;
  createdAt: string;
  registeredMachines: number;
  /** Validity of the latest credentials file, if one was issued. */
  credentials: { notBefore: string; notAfter: string; issuedAt: string } | null;
}

export interface VaultAdmin {
  createVault(input: registry.CreateVaultInput): Promise<VaultIdentity>;
  listVaults(): Promise<VaultSummary[]>;
  /** Issues a credentials file; it supersedes every earlier file of the vault. */
  issueCredentials(name: string, options?: CredentialsOptions): Promise<CredentialsFile>;
  issueSecurityPin(name: string): Promise<registry.SecurityPin>;
  listRegistrations(name: string): Promise<RegistrationView[]>;
  revokeRegistration(registrationId: string): Promise<RegistrationView>;
  /** Records a backup of `item` by that registered server, now (what ARM's backup reads show). */
  recordBackup(registrationId: string, item: string): Promise<RegistrationView>;
}

export interface LocalAdminOptions {
  now: () => Date;
  /** The registration endpoint written into credentials files. */
  endpoint: () => string;
  /** A running service's key made ahead for the next credentials file. */
  keys?: SpareKeys;
}

export function localAdmin(store: Store, options: LocalAdminOptions): VaultAdmin {
  const { state } = store;
  return {
    async createVault(input) {
      const valid = parseInput(createVaultSchema, input);
      return store.mutate((s) => registry.createVault(s, valid, options.now()));
    },

    async listVaults() {
      const machines = new Map<string, number>();
      for (const r of Object.values(state.registrations)) {
        if (r.status === 'registered') machines.set(r.vault, (machines.get(r.vault) ?? 0) + 1);
      }
      return Object.values(state.vaults).map((v) => ({
        identity: v.identity,
        createdAt: v.createdAt,
        registeredMachines: machines.get(v.identity.name) ?? 0,
        credentials: v.credentials && { notBefore: v.credentials.notBefore, notAfter: v.credentials.notAfter, issuedAt: v.credentials.issuedAt },
      }));
    },

    async issueCredentials(name, credentialsOptions = {}) {
      const { validHours } = parseInput(credentialsOptionsSchema, credentialsOptions);
      const vault = registry.findVault(state, name);
      const now = options.now();
      const endpoint = options.endpoint();
      const issued = await issueCredentials({ vault: vault.identity, endpoint, agentLinks: localAgentLinks(endpoint), validHours, now, keys: options.keys });
      await store.mutate((s) => registry.recordCredentials(s, name, issued, now));
      const { certPem: _cert, keyPem: _key, ...file } = issued;
      return file;
    },

    async issueSecurityPin(name) {
      return store.mutate((s) => registry.issueSecurityPin(s, name, options.now()));
    },

    async listRegistrations(name) {
      registry.findVault(state, name);
      return Object.values(state.registrations)
        .filter((r) => r.vault === name)
        .map(registrationView);
    },

    async revokeRegistration(registrationId) {
      return store.mutate((s) => registrationView(registry.revoke(registry.findRegistration(s, registrationId), options.now())));
    },

    async recordBackup(registrationId, item) {
      const valid = parseInput(backupSchema, { item });
      return store.mutate((s) => registrationView(registry.recordBackup(registry.findRegistration(s, registrationId), valid.item, options.now())));
    },
  };
}

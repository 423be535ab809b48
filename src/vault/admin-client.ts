/**
 * The admin operations through a running service's admin API (see http/admin-routes.ts), so
 * that an admin command changes the service's state rather than files under its feet.
 */
import { loadUndici, request } from '../core/http/undici';
import type { CredentialsFile, VaultAdmin, VaultSummary } from './admin';
import { VaultCode, VaultError, vaultErrorFromBody } from './errors';
import type { AdminStatus } from './http/admin-routes';
import type { VaultIdentity } from './issuer';
import type { RegistrationView } from './model';
import type { SecurityPin } from './registry';

export interface RemoteAdmin extends VaultAdmin {
  status(): Promise<AdminStatus>;
  close(): Promise<void>;
}

export function remoteAdmin(adminUrl: string, token: string): RemoteAdmin {
  const dispatcher = loadUndici().then(({ Agent }) => new Agent({ connect: { timeout: 5_000 }, headersTimeout: 60_000 }));

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response;
    try {
      response = await request(await dispatcher, `${adminUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new VaultError(VaultCode.ServiceUnreachable, `The vault service's admin API at ${adminUrl} does not answer (${(err as Error).message}).`, undefined, { adminUrl }, { cause: err });
    }
    const json: unknown = await response.body.json().catch(() => undefined);
    if (response.statusCode >= 400) throw vaultErrorFromBody(response.statusCode, json);
    return json as T;
  }

  const vaultPath = (name: string, rest: string) => `/admin/v1/vaults/${encodeURIComponent(name)}${rest}`;

  return {
    status: () => call<AdminStatus>('GET', '/admin/v1/status'),
    createVault: (input) => call<VaultIdentity>('POST', '/admin/v1/vaults', input),
    listVaults: () => call<VaultSummary[]>('GET', '/admin/v1/vaults'),
    async issueCredentials(name, options = {}) {
      const file = await call<Record<keyof CredentialsFile, string>>('POST', vaultPath(name, '/credentials'), options);
      return { ...file, notBefore: new Date(file.notBefore), notAfter: new Date(file.notAfter) };
    },
    async issueSecurityPin(name) {
      const pin = await call<{ pin: string; expiresAt: string }>('POST', vaultPath(name, '/security-pin'));
      return { pin: pin.pin, expiresAt: new Date(pin.expiresAt) } satisfies SecurityPin;
    },
    listRegistrations: (name) => call<RegistrationView[]>('GET', vaultPath(name, '/registrations')),
    revokeRegistration: (id) => call<RegistrationView>('POST', `/admin/v1/registrations/${encodeURIComponent(id)}/revoke`),
    recordBackup: (id, item) => call<RegistrationView>('POST', `/admin/v1/registrations/${encodeURIComponent(id)}/backups`, { item }),
    close: async () => (await dispatcher).close(),
  };
}

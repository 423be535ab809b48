/**
 * The admin API: the admin operations over HTTP on loopback, for the CLI (and any tool) to use
 * while a service owns the data folder. Every call needs the data folder's bearer token.
 */
import type { IncomingMessage } from 'node:http';
import { backupSchema, createVaultSchema, credentialsOptionsSchema, type VaultAdmin } from '../admin';
import { VaultCode, VaultError } from '../errors';
import { bearerMatcher } from '../tokens';
import { parseInput, readJson } from './body';
import type { RequestContext, Route } from './router';

export interface AdminStatus {
  instanceId: string;
  url: string;
}

const NAME = '(?<name>[^/]+)';

export function adminRoutes(admin: VaultAdmin, status: AdminStatus): Route[] {
  const vaultName = (ctx: RequestContext) => (ctx.vault = decodeSegment(ctx.params.name!));
  return [
    { method: 'GET', path: /^\/admin\/v1\/status$/, handle: async () => ({ status: 200, body: status }) },
    { method: 'GET', path: /^\/admin\/v1\/vaults$/, handle: async () => ({ status: 200, body: await admin.listVaults() }) },
    {
      method: 'POST',
      path: /^\/admin\/v1\/vaults$/,
      handle: async (ctx) => {
        const identity = await admin.createVault(parseInput(createVaultSchema, await readJson(ctx.req)));
        ctx.vault = identity.name;
        return { status: 201, body: identity };
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/admin/v1/vaults/${NAME}/credentials$`),
      handle: async (ctx) => ({ status: 201, body: await admin.issueCredentials(vaultName(ctx), parseInput(credentialsOptionsSchema, (await readJson(ctx.req, true)) ?? {})) }),
    },
    {
      method: 'POST',
      path: new RegExp(`^/admin/v1/vaults/${NAME}/security-pin$`),
      handle: async (ctx) => ({ status: 201, body: await admin.issueSecurityPin(vaultName(ctx)) }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/admin/v1/vaults/${NAME}/registrations$`),
      handle: async (ctx) => ({ status: 200, body: await admin.listRegistrations(vaultName(ctx)) }),
    },
    {
      method: 'POST',
      path: /^\/admin\/v1\/registrations\/(?<id>[^/]+)\/backups$/,
      handle: async (ctx) => {
        const { item } = parseInput(backupSchema, await readJson(ctx.req));
        const view = await admin.recordBackup(decodeSegment(ctx.params.id!), item);
        ctx.vault = view.vault;
        return { status: 200, body: view };
      },
    },
    {
      method: 'POST',
      path: /^\/admin\/v1\/registrations\/(?<id>[^/]+)\/revoke$/,
      handle: async (ctx) => {
        const view = await admin.revokeRegistration(decodeSegment(ctx.params.id!));
        ctx.vault = view.vault;
        return { status: 200, body: view };
      },
    },
  ];
}

/** A path segment URL-decoded; a broken escape (`%ZZ`) is the client's error, not a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new VaultError(VaultCode.BadRequest, `The path segment '${segment.slice(0, 100)}' is not valid percent-encoding.`);
  }
}

/** The admin listener's guard: `Authorization: Bearer <token>`, compared in constant time. */
export function bearerGuard(token: string): (req: IncomingMessage) => void {
  const matches = bearerMatcher(token);
  return (req) => {
    if (!matches(req.headers.authorization)) {
      throw new VaultError(VaultCode.AdminTokenRequired, 'The admin API needs the bearer token kept in the data folder (admin-token).');
    }
  };
}

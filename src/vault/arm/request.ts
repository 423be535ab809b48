/**
 * What every ARM route checks before it runs, in ARM's order: the bearer token (from
 * `arm-token`), then the api-version its client pins (src/core/vault/azure/apiVersions.ts).
 */
import type { IncomingMessage } from 'node:http';
import type * as z from 'zod';
import { readBody } from '../http/body';
import type { Reply, RequestContext, Route } from '../http/router';
import { bearerMatcher } from '../tokens';
import { ArmError } from './errors';

export interface ArmRequest {
  ctx: RequestContext;
  /** The request's path, without its query. */
  path: string;
  /** The path parameters, URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface ArmRouteSpec {
  method: Route['method'];
  /** An ARM path (`/tenants`, `/subscriptions…`), matched case-insensitively as ARM does. */
  path: string;
  apiVersion: string;
  handle(request: ArmRequest): Promise<Reply>;
}

export const SUBSCRIPTION = '/subscriptions/(?<subscriptionId>[^/]+)';
export const VAULTS = `${SUBSCRIPTION}/resourceGroups/(?<resourceGroup>[^/]+)/providers/Microsoft\\.RecoveryServices/vaults`;
export const VAULT = `${VAULTS}/(?<vault>[^/]+)`;

/** Turns ARM route specs into router routes guarded by `token`. */
export function guardedRoutes(token: string, specs: ArmRouteSpec[]): Route[] {
  const authorized = bearerMatcher(token);
  return specs.map((spec) => ({
    method: spec.method,
    path: new RegExp(`^${spec.path}$`, 'i'),
    handle: async (ctx) => {
      authorize(ctx.req, authorized);
      const [path = '', search = ''] = (ctx.req.url ?? '').split('?');
      const query = new URLSearchParams(search);
      checkApiVersion(query, spec.apiVersion);
      const params = Object.fromEntries(Object.entries(ctx.params).map(([k, v]) => [k, decodeSegment(v)]));
      return spec.handle({ ctx, path, params, query });
    },
  }));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ArmError(400, 'InvalidRequestUri', `The path segment '${segment}' is not valid percent-encoding.`);
  }
}

function authorize(req: IncomingMessage, authorized: (header: string | undefined) => boolean): void {
  const header = req.headers.authorization;
  if (header === undefined) {
    throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  }
  if (!authorized(header)) {
    throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid. Get the local vault\'s token with `npm run vault -- arm-token`.');
  }
}

function checkApiVersion(query: URLSearchParams, supported: string): void {
  const asked = query.get('api-version');
  if (asked === null) {
    throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (asked !== supported) {
    throw new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${asked}' is invalid. The supported versions are '${supported}'.`,
    );
  }
}

/** The request's JSON body, checked against `schema`; any failure is ARM's 400. */
export async function readArmBody<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse((await readBody(req)).toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new ArmError(400, 'InvalidRequestContent', 'The request content is not valid JSON.');
    throw err;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ArmError(400, 'InvalidRequestContent', `The request content is invalid at '${issue.path.join('.') || '(body)'}': ${issue.message}.`);
  }
  return parsed.data;
}

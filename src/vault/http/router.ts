/**
 * A minimal router shared by the registration and admin listeners: match a route, run it, turn
 * a thrown VaultError (or the ARM emulator's ArmError) into its JSON error body, and log one line
 * per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArmError } from '../arm/errors';
import { VaultCode, VaultError } from '../errors';
import { formatRequestLine, type VaultLogger } from '../log';
import { OversizedBodyError } from './body';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  /** Set by handlers once known, for the log line. */
  vault?: string;
}

export interface Reply {
  status: number;
  /** Serialized with JSON.stringify, unless already JSON text; `undefined` sends no body. */
  body: unknown;
}

/** A body serialized by its route (ARM's int64 numbers, which JSON.stringify cannot write). */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Anchored pattern; named groups become `params`. */
  path: RegExp;
  /** Returns a JSON reply, or nothing when it wrote the response itself (downloads). */
  handle(ctx: RequestContext): Promise<Reply | void>;
}

export interface RouterOptions {
  routes: Route[];
  logger: VaultLogger;
  /** Runs before every matched route (the admin listener's token check). */
  guard?: (req: IncomingMessage) => void;
}

export function createRouter(options: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0]!;
    const ctx: RequestContext = { req, res, params: {} };
    let code: string | undefined;
    res.once('close', () => {
      options.logger.info(
        formatRequestLine({
          method: req.method ?? '?',
          path,
          status: res.writableFinished ? res.statusCode : 'aborted',
          vault: ctx.vault,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          code,
        }),
      );
    });
    run(options, ctx, path).then(
      (reply) => {
        if (reply) sendJson(res, reply.status, reply.body);
      },
      (err: unknown) => {
        // A client that went away mid-request leaves nobody to answer.
        if (req.socket.destroyed) return;
        const error = err instanceof VaultError || err instanceof ArmError ? err : internal(options.logger, req, path, err);
        code = error.code;
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof OversizedBodyError && err.closeConnection) res.setHeader('Connection', 'close');
        if (error instanceof VaultError && error.code === VaultCode.RangeNotSatisfiable) res.setHeader('Content-Range', `bytes */${(error.details as { size: number }).size}`);
        sendJson(res, error.status, error.body());
      },
    );
  };
}

async function run(options: RouterOptions, ctx: RequestContext, path: string): Promise<Reply | void> {
  const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
  let pathMatched = false;
  for (const route of options.routes) {
    const match = route.path.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    ctx.params = { ...match.groups };
    options.guard?.(ctx.req);
    return route.handle(ctx);
  }
  if (pathMatched) throw new VaultError(VaultCode.MethodNotAllowed, `${ctx.req.method} is not allowed on ${path}.`);
  throw new VaultError(VaultCode.NotFound, `There is no ${path} in this API.`);
}

function internal(logger: VaultLogger, req: IncomingMessage, path: string, err: unknown): VaultError {
  logger.error(`${req.method} ${path} failed: ${(err as Error)?.message ?? String(err)}`);
  return new VaultError(VaultCode.Internal, 'The vault failed to handle the request; see its log.');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': 0, 'Cache-Control': 'no-store' }).end();
    return;
  }
  const text = body instanceof JsonText ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

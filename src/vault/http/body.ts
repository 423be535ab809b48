/**
 * Request bodies: read with a hard size limit, parsed as JSON, and checked against a strict zod
 * schema whose failures name the offending fields. Unknown fields are refused, which is how the
 * vault makes sure it is never handed a passphrase.
 */
import type { IncomingMessage } from 'node:http';
import type * as z from 'zod';
import { VaultCode, VaultError } from '../errors';

export const BODY_LIMIT = 64 * 1024;
/**
 * Past the limit the rest of a body is still read (and dropped) up to this much, so the 413
 * reaches a client that is still sending instead of being lost to a reset connection.
 */
const DRAIN_LIMIT = 1024 * 1024;

/** A 413 that must also close the connection, because the body is too big to drain. */
export class OversizedBodyError extends VaultError {
  constructor(readonly closeConnection: boolean) {
    super(VaultCode.PayloadTooLarge, `The request body is larger than ${BODY_LIMIT} bytes.`, { limit: BODY_LIMIT });
  }
}

export async function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit + DRAIN_LIMIT) throw new OversizedBodyError(true);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit + DRAIN_LIMIT) throw new OversizedBodyError(true);
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw new OversizedBodyError(false);
  return Buffer.concat(chunks);
}

/** The parsed JSON body; an empty body is refused unless `optional`, then it reads as undefined. */
export async function readJson(req: IncomingMessage, optional = false): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) {
    if (optional) return undefined;
    throw badRequest('The request needs a JSON body.');
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON (is it truncated?).');
  }
}

function badRequest(message: string, issues?: Array<{ path: string; message: string }>): VaultError {
  return new VaultError(VaultCode.BadRequest, message, issues && { issues });
}

/** Checks input against a schema; a failure is a `400` listing each field path and problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: at.join('.') || '(body)', message: issue.message }];
  });
  throw badRequest(`The request is malformed: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, issues);
}

/**
 * The agent download: `latest` describes the newest package, `/v1/agent/{version}` serves a
 * package with single-range support so an interrupted download can resume. Packages come from
 * the folder scripts/build-agent.mjs writes (`backup-agent-<version>.tar.gz` and latest.json).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import * as z from 'zod';
import { VaultCode, VaultError } from '../errors';
import type { Route } from './router';

const latestSchema = z.object({
  version: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  file: z.string(),
});

const VERSION = '(?<version>\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.]+)?)';

const agentPackageFile = (version: string) => `backup-agent-${version}.tar.gz`;

export function agentRoutes(agentDir: string, baseUrl: () => string): Route[] {
  async function latest(): Promise<z.infer<typeof latestSchema>> {
    try {
      return latestSchema.parse(JSON.parse(await fs.readFile(path.join(agentDir, 'latest.json'), 'utf8')));
    } catch (err) {
      throw unavailable('No agent package is available: build one with `node scripts/build-agent.mjs`.', err);
    }
  }

  return [
    {
      method: 'GET',
      path: /^\/v1\/agent\/latest$/,
      handle: async () => {
        const { version, size, sha256 } = await latest();
        return { status: 200, body: { version, size, sha256, url: `${baseUrl()}/v1/agent/${version}` } };
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/v1/agent/${VERSION}$`),
      handle: async (ctx) => {
        const file = path.join(agentDir, agentPackageFile(ctx.params.version!));
        const stat = await fs.stat(file).catch((err: unknown) => {
          throw unavailable(`There is no agent package ${ctx.params.version}.`, err);
        });
        const etag = `"${stat.size.toString(16)}-${Math.trunc(stat.mtimeMs).toString(16)}"`;
        const ifRange = ctx.req.headers['if-range'];
        const range = ifRange === undefined || ifRange === etag ? parseRange(ctx.req.headers.range, stat.size) : undefined;
        const { res } = ctx;
        res.setHeader('Accept-Ranges', 'bytes');
        res.setHeader('ETag', etag);
        res.setHeader('Content-Type', 'application/gzip');
        res.setHeader('Content-Disposition', `attachment; filename="${path.basename(file)}"`);
        const [start, end] = range ?? [0, stat.size - 1];
        if (range) {
          res.statusCode = 206;
          res.setHeader('Content-Range', `bytes ${start}-${end}/${stat.size}`);
        }
        res.setHeader('Content-Length', Math.max(0, end - start + 1));
        if (ctx.req.method === 'HEAD' || stat.size === 0) {
          res.end();
          return;
        }
        await pipeline(createReadStream(file, { start, end }), res);
      },
    },
  ];
}

function unavailable(message: string, cause: unknown): VaultError {
  return new VaultError(VaultCode.AgentPackageUnavailable, message, undefined, {}, { cause });
}

/**
 * The byte range asked for, as inclusive [start, end]; undefined to send the whole file (no
 * Range, or one this server ignores as RFC 9110 allows: malformed or multiple ranges).
 */
export function parseRange(header: string | undefined, size: number): [number, number] | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1]!, match[2]!];
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    start = Math.max(0, size - suffix);
    end = suffix === 0 ? -1 : size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
  }
  if (start >= size || end < start) {
    throw new VaultError(VaultCode.RangeNotSatisfiable, `The range ${header} is outside the ${size}-byte package.`, { size });
  }
  return [start, end];
}

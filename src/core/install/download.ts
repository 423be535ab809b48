/**
 * Downloads the agent package from the vault into an admin-side cache folder: resumable (the
 * partial file survives a cancel or a dropped connection and the next call asks for the rest
 * with Range), verified against the size and SHA-256 the vault announces, and moved into place
 * only once verified, so a file without `.partial` is always a whole, checked package.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from '../http/undici';
import * as z from 'zod';
import { CancelledError, raceAbort, SetupError, throwIfAborted } from '../errors';
import { diagnoseSocketError, networkError, networkTarget, type NetworkTarget } from '../http/networkErrors';
import { requestJson } from '../http/request';
import { withRetry } from '../http/retry';
import { AGENT_VERSION_PATTERN, agentPackageName } from './naming';

/** Far above any real agent package; stops a broken or hostile answer from filling the disk. */
const MAX_PACKAGE_BYTES = 512 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;

const latestSchema = z.object({
  version: z.string().regex(AGENT_VERSION_PATTERN, 'a version such as 1.2.3'),
  size: z.number().int().positive().max(MAX_PACKAGE_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex'),
});
type Latest = z.output<typeof latestSchema>;

export interface DownloadProgress {
  receivedBytes: number;
  totalBytes: number;
}

/**
 * What the setups of one run (a fleet's servers) share about the agent package, so that the
 * admin asks and checks once per run rather than once per server: each endpoint's `latest`
 * answer, and the cached packages whose SHA-256 was checked (by their size, times and inode: a
 * file written since is checked again). One per run, never kept beyond it: a later run asks the
 * vault again.
 */
export class RunPackages {
  readonly latest = new Map<string, Promise<Latest>>();
  readonly verified = new Map<string, string>();
}

export interface DownloadAgentOptions {
  /** The vault's base URL. */
  endpoint: string;
  /** Built by the caller from the effective proxy; the agent routes need no client certificate. */
  dispatcher: Dispatcher;
  /** Admin-side folder that keeps downloaded packages. */
  cacheDir: string;
  signal?: AbortSignal;
  /** Called at most every ~100 ms, and once more when the package is complete. */
  onProgress?: (progress: DownloadProgress) => void;
  /** The run this download is part of: `latest` and the hash check are then shared with its other setups. */
  run?: RunPackages;
}

export interface DownloadedAgent {
  version: string;
  /** The verified package: `<cacheDir>/backup-agent-<version>.tar.gz`. */
  file: string;
  sha256: string;
  size: number;
  /** True when an already verified package in the cache was used without downloading. */
  reused: boolean;
}

export async function downloadAgent(options: DownloadAgentOptions): Promise<DownloadedAgent> {
  const { cacheDir, signal } = options;
  throwIfAborted(signal);
  // A relative URL against a base ending in "/" keeps any path prefix the endpoint has.
  const base = new URL(options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
  const latest = await latestOf(base, options);

  const file = path.join(cacheDir, agentPackageName(latest.version));
  // Servers of a fleet share the cache: one download of a package at a time, the others then find it whole.
  return oneAtATime(file, signal, () => fetchIntoCache(file, latest, base, options));
}

/** The vault's `latest` answer: asked once per run (a failed answer is not kept), or every time outside a run. */
async function latestOf(base: URL, options: DownloadAgentOptions): Promise<Latest> {
  const { dispatcher, signal, run } = options;
  const ask = async () => (await withRetry(() => requestJson(dispatcher, new URL('v1/agent/latest', base), { schema: latestSchema, signal }), { signal })).data;
  if (!run) return ask();
  const shared = run.latest.get(base.href);
  if (shared) {
    try {
      return await raceAbort(shared, signal);
    } catch (err) {
      // Another setup's ask failed, perhaps cancelled with its dispatcher: this one asks itself.
      if (signal?.aborted) throw err;
    }
  }
  const answer = ask();
  run.latest.set(base.href, answer);
  answer.catch(() => run.latest.get(base.href) === answer && run.latest.delete(base.href));
  return answer;
}

async function fetchIntoCache(file: string, latest: Latest, base: URL, options: DownloadAgentOptions): Promise<DownloadedAgent> {
  const { dispatcher, cacheDir, signal, run } = options;
  throwIfAborted(signal);
  const result = { version: latest.version, file, sha256: latest.sha256, size: latest.size };
  if ((await verifyCached(file, latest, run)) === undefined) return { ...result, reused: true };
  await inCache(file, () => fs.rm(file, { force: true }));

  // Not latest's `url`: that is the vault's own view of its address, which need not be the one
  // this machine reaches it by (through a proxy, a NAT or a name).
  const url = new URL(`v1/agent/${latest.version}`, base);
  const partial = `${file}.partial`;
  await inCache(cacheDir, () => fs.mkdir(cacheDir, { recursive: true }));
  const progress = throttledProgress(latest.size, options.onProgress);
  await withRetry(() => fetchRest(url, partial, latest, dispatcher, progress, signal), { signal });
  progress.done();

  const problem = await verify(partial, latest);
  if (problem) {
    await fs.rm(partial, { force: true });
    throw problem;
  }
  await inCache(file, () => fs.rename(partial, file));
  return { ...result, reused: false };
}

const inFlight = new Map<string, Promise<unknown>>();

/**
 * Runs `task` once every earlier task for `key` in this process has settled. A caller that is
 * cancelled while it waits leaves the queue without running its task.
 */
async function oneAtATime<T>(key: string, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
  const earlier = (inFlight.get(key) ?? Promise.resolve()).catch(() => undefined);
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  // The next caller waits for this one and, through it, for every earlier one.
  const mine = Promise.all([earlier, done]);
  inFlight.set(key, mine);
  try {
    await raceAbort(earlier, signal);
    return await task();
  } finally {
    release();
    void mine.then(() => inFlight.get(key) === mine && inFlight.delete(key));
  }
}

/** Brings `partial` up to the announced size, asking only for the bytes it does not have yet. */
async function fetchRest(url: URL, partial: string, latest: Latest, dispatcher: Dispatcher, progress: Progress, signal?: AbortSignal): Promise<void> {
  let have = (await fs.stat(partial).catch(() => undefined))?.size ?? 0;
  if (have > latest.size) {
    await fs.rm(partial, { force: true });
    have = 0;
  }
  if (have === latest.size) return;
  const target = networkTarget(url, dispatcher);
  try {
    const response = await request(dispatcher, url, { signal, headers: have > 0 ? { range: `bytes=${have}-` } : {} });
    if (response.statusCode === 416 && have > 0) {
      // The server's package is shorter than our partial: what we have is not part of it.
      await response.body.dump();
      await fs.rm(partial, { force: true });
      return await fetchRest(url, partial, latest, dispatcher, progress, signal);
    }
    if (response.statusCode === 206) {
      const start = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(String(response.headers['content-range']))?.[1];
      if (Number(start) !== have) {
        await response.body.dump();
        throw downloadFailed(target, 206, `the server sent another range (${response.headers['content-range']}) than the bytes=${have}- asked for`);
      }
    } else if (response.statusCode === 200) {
      have = 0; // the server ignored the range and sends the whole package: start over
    } else {
      throw downloadFailed(target, response.statusCode, await errorCodeOf(response));
    }
    await appendBody(response.body, partial, have, latest.size, progress);
  } catch (err) {
    if (signal?.aborted) throw new CancelledError();
    if (err instanceof SetupError) throw err;
    throw networkError(diagnoseSocketError(err, target.proxy !== undefined), target, err);
  }
}

/** Writes the body after the first `have` bytes. Each chunk is on disk before it counts, so a resume starts right. */
async function appendBody(body: AsyncIterable<Buffer> & { destroy(): void }, partial: string, have: number, total: number, progress: Progress): Promise<void> {
  const handle = await inCache(partial, () => fs.open(partial, have > 0 ? 'a' : 'w'));
  let received = have;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      if (received > total) break;
      await inCache(partial, () => handle.write(chunk));
      progress.report(received);
    }
  } finally {
    await handle.close();
  }
  if (received > total) {
    // Not the package that was announced: nothing in this partial is worth resuming from.
    body.destroy();
    await fs.rm(partial, { force: true });
    throw sizeMismatch(total, received);
  }
}

/** verify(), skipped for a file this run already found to be the announced package and that is unchanged since. */
async function verifyCached(file: string, latest: Latest, run?: RunPackages): Promise<SetupError | undefined> {
  if (!run) return verify(file, latest);
  const stat = await fs.stat(file).catch(() => undefined);
  const identity = stat && [latest.sha256, stat.size, stat.ino, stat.mtimeMs, stat.ctimeMs].join(':');
  if (identity !== undefined && run.verified.get(file) === identity) return undefined;
  const problem = await verify(file, latest);
  if (problem === undefined && identity !== undefined) run.verified.set(file, identity);
  else run.verified.delete(file);
  return problem;
}

/** Undefined when `file` is the announced package; otherwise why it is not. */
async function verify(file: string, latest: Latest): Promise<SetupError | undefined> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return new SetupError('AgentDownloadFailed', `The agent package ${file} is missing.`, { file });
  if (stat.size !== latest.size) return sizeMismatch(latest.size, stat.size);
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  const sha256 = hash.digest('hex');
  if (sha256 === latest.sha256) return undefined;
  return new SetupError(
    'AgentPackageChecksumMismatch',
    `The downloaded agent package ${latest.version} does not match the vault's checksum: it was damaged or altered on the way. It was deleted; download it again.`,
    { version: latest.version, expectedSha256: latest.sha256, actualSha256: sha256 },
  );
}

/** Failures of the cache folder itself (full, read-only), so they are not taken for network errors. */
async function inCache<T>(file: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    const errorCode = String((err as NodeJS.ErrnoException).code ?? 'unknown');
    throw new SetupError('AgentCacheWriteFailed', `The agent package cannot be saved to ${file} (${errorCode}).`, { file, errorCode }, { cause: err });
  }
}

function sizeMismatch(expected: number, actual: number): SetupError {
  return new SetupError(
    'AgentPackageSizeMismatch',
    `The agent package is ${actual} bytes where the vault announced ${expected}: it was damaged on the way. It was deleted; download it again.`,
    { expectedBytes: expected, actualBytes: actual },
  );
}

function downloadFailed(target: NetworkTarget, httpStatus: number, reason: string): SetupError {
  return new SetupError('AgentDownloadFailed', `Downloading the agent package from ${target.host} failed (HTTP ${httpStatus}: ${reason}).`, {
    host: target.host,
    httpStatus,
    reason,
  });
}

/** The vault's error code from an error body, or the status line's meaning. */
async function errorCodeOf(response: Dispatcher.ResponseData): Promise<string> {
  const text = await response.body.text().catch(() => '');
  try {
    const code: unknown = JSON.parse(text)?.error?.code;
    if (typeof code === 'string') return code;
  } catch {
    // not the vault's JSON error body
  }
  return 'unexpected answer';
}

interface Progress {
  report(receivedBytes: number): void;
  /** Reports the final count if the last report was held back. */
  done(): void;
}

function throttledProgress(totalBytes: number, onProgress?: (p: DownloadProgress) => void): Progress {
  let last = -Infinity;
  let latest = 0;
  let reported = -1;
  const emit = () => {
    last = Date.now();
    reported = latest;
    onProgress?.({ receivedBytes: latest, totalBytes });
  };
  return {
    report(receivedBytes) {
      latest = receivedBytes;
      if (Date.now() - last >= PROGRESS_INTERVAL_MS) emit();
    },
    done() {
      latest = totalBytes;
      if (reported !== latest) emit();
    },
  };
}

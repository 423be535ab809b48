/**
 * Unpacking on a remote target: writing the package file by file over SFTP sent the whole
 * unpacked agent (652 KiB of main.js) through the admin's encryption for every server. Instead the
 * checked package's files go as one gzip stream (about the size of the package) with a manifest,
 * both on the stdin of a short Node script on the target (Node is the agent's prerequisite,
 * checked before this), which writes them into the staging folder: the same entries, modes and
 * order as writing them through the Target would give. The stream rides in the command's own
 * session, base64 in the JSON: an SFTP upload of it first cost about a dozen round trips (open,
 * writes, mode, fsync, close, link, unlink) of admin CPU per server. Nothing on the server parses
 * the package: the admin has checked it (archive.ts), and the manifest names only those checked
 * path components.
 */
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { SetupError, throwIfAborted } from '../errors';
import * as z from 'zod';
import { describeOutcome, exitCode, type CommandOutcome, type CommandResult, type Target } from '../target/target';
import type { AgentArchive, PackageEntry } from './archive';

const UNPACK_TIMEOUT_MS = 120_000;

type ManifestEntry =
  | { kind: 'directory'; path: string[] }
  | { kind: 'file'; path: string[]; executable: boolean; size: number }
  | { kind: 'symlink'; path: string[]; linkTarget: string };

interface Packed {
  /** Every file's data, in manifest order, gzipped, in base64. */
  blob: string;
  manifest: ManifestEntry[];
}

/**
 * Reads the manifest and the blob on stdin; writes folders 0755, files 0644 or 0755 (created
 * exclusively, so nothing already there is written through), links last. Then, when asked, runs a program of the unpacked files with this same node (the staged
 * agent's `--version`) and prints its result with the count as JSON: the check that would
 * otherwise be a session of its own on the server (a login shell, and its startup files, each).
 * Plain CommonJS for any Node the prerequisite accepts. Unindented: it ships as text inside the
 * minified bundle, which the package test holds to no indented lines.
 */
const SCRIPT = `
const fs = require('fs'), path = require('path'), zlib = require('zlib'), child = require('child_process');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
const { root, blob, entries, thenRun } = JSON.parse(input);
const data = zlib.gunzipSync(Buffer.from(blob, 'base64'));
const folder = (dir) => fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
let at = 0;
for (const e of entries) {
const dest = path.join(root, ...e.path);
if (e.kind === 'directory') { folder(dest); continue; }
folder(path.dirname(dest));
if (e.kind === 'symlink') { fs.symlinkSync(e.linkTarget, dest); continue; }
const mode = e.executable ? 0o755 : 0o644;
const fd = fs.openSync(dest, 'wx', mode);
try {
fs.writeSync(fd, data, at, e.size);
fs.fchmodSync(fd, mode);
fs.fsyncSync(fd);
} finally {
fs.closeSync(fd);
}
at += e.size;
}
let ran;
if (thenRun) {
const r = child.spawnSync(process.execPath, [path.join(root, ...thenRun.file), ...thenRun.args], { encoding: 'utf8', timeout: thenRun.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 });
ran = { code: r.status, signal: r.signal, errno: r.error ? r.error.code || 'unknown' : null, stdout: r.stdout || '', stderr: r.stderr || '' };
}
process.stdout.write(JSON.stringify({ written: entries.length, ran }));
});
`;

/** One packing per checked package (the archive itself is cached per content hash). */
const packings = new WeakMap<AgentArchive, Promise<Packed>>();

function pack(archive: AgentArchive, ordered: readonly PackageEntry[]): Promise<Packed> {
  let packed = packings.get(archive);
  if (!packed) {
    const manifest = ordered.map((e): ManifestEntry => (e.kind === 'file' ? { kind: 'file', path: e.path, executable: e.executable, size: e.data.length } : e));
    const data = Buffer.concat(ordered.flatMap((e) => (e.kind === 'file' ? [e.data] : [])));
    packed = promisify(gzip)(data).then((blob) => ({ blob: blob.toString('base64'), manifest }));
    packings.set(archive, packed);
  }
  return packed;
}

/** A program among the unpacked files, run by the unpack's node once the files are written. */
export interface ThenRun {
  /** Path components below the unpacked root, e.g. ['main.js']. */
  file: string[];
  args: string[];
  timeoutMs: number;
}

/** What the script prints: the entries it wrote, and the program's result when it ran one. */
const reportSchema = z.object({
  written: z.number(),
  ran: z.object({ code: z.number().nullable(), signal: z.string().nullable(), errno: z.string().nullable(), stdout: z.string(), stderr: z.string() }).optional(),
});

/** The script's report of the program it ran, as a Target reports a command. */
function ranResult(ran: NonNullable<z.output<typeof reportSchema>['ran']>, timeoutMs: number): CommandResult {
  const { code, signal, errno, stdout, stderr } = ran;
  const outcome: CommandOutcome =
    errno === 'ETIMEDOUT'
      ? { kind: 'timedOut', afterMs: timeoutMs }
      : errno !== null
        ? { kind: 'notStarted', errno }
        : code !== null
          ? { kind: 'exited', code }
          : { kind: 'signal', signal: signal ?? 'unknown' };
  return { outcome, stdout, stderr };
}

/**
 * Writes `ordered` (the archive's entries, links last) into `root` on the target through one
 * command, its files on its stdin. With `thenRun`, the same command then runs that program of the
 * unpacked files, and its result is returned.
 */
export async function unpackOnTarget(
  target: Target,
  archive: AgentArchive,
  ordered: readonly PackageEntry[],
  root: string,
  options: { signal?: AbortSignal; thenRun?: ThenRun } = {},
): Promise<CommandResult | undefined> {
  const { signal, thenRun } = options;
  const { blob, manifest } = await pack(archive, ordered);
  throwIfAborted(signal);
  const stdin = JSON.stringify({ root, blob, entries: manifest, ...(thenRun ? { thenRun } : {}) });
  const result = await target.run('node', ['-e', SCRIPT], { stdin, timeoutMs: UNPACK_TIMEOUT_MS + (thenRun?.timeoutMs ?? 0), signal });
  throwIfAborted(signal);
  const report = exitCode(result) === 0 ? reportSchema.safeParse(parseJson(result.stdout)) : undefined;
  if (report?.success && report.data.written === manifest.length && Boolean(report.data.ran) === Boolean(thenRun)) {
    return report.data.ran && thenRun ? ranResult(report.data.ran, thenRun.timeoutMs) : undefined;
  }
  const detail = (result.stderr.split('\n').find((l) => /Error|EACCES|ENOSPC|EEXIST|EROFS/.test(l)) ?? result.stderr.trim().split('\n')[0] ?? '').slice(0, 200);
  const errorCode = /\b(E[A-Z]+)\b/.exec(detail)?.[1] ?? describeOutcome(result.outcome);
  throw new SetupError('AgentUnpackFailed', `Writing ${root} on ${target.label} failed (${errorCode}).`, { file: root, target: target.label, errorCode }, { cause: new Error(detail) });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

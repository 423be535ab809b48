/**
 * The admin process's JavaScript CPU profile over a run (V8's sampling profiler, through the
 * inspector), saved as a .cpuprofile (DevTools and speedscope open it) and summed by self time
 * per function and per source file, so the bench can say where the admin CPU went. Work on
 * libuv's thread pool (scrypt, zlib, async crypto) is in process.cpuUsage but not in these
 * samples; the stage split covers it.
 */
import { promises as fs } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byFunction: ProfileLine[];
  byFile: ProfileLine[];
}

/** A bundle's frames are named by the sources its map points to. */
export interface BundleMap {
  /** The bundle's path. */
  file: string;
  map: SourceMap;
}

/** The frame's source file and 0-based line, through the bundle's map when it is the bundle's. */
export function sourceOf(frame: ProfileNode['callFrame'], bundle: BundleMap | undefined): { file: string; line: number } {
  const file = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
  if (bundle && file === bundle.file) {
    const entry = bundle.map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource) {
      const original = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(bundle.file), entry.originalSource);
      return { file: original, line: entry.originalLine ?? 0 };
    }
  }
  return { file, line: frame.lineNumber };
}

/** Where a frame's code lives, short: a package's name, or the path below the repository. */
export function shortUrl(file: string, root: string): string {
  if (!file) return '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inModules) return inModules[1]!;
  return file.startsWith(root) ? path.relative(root, file) : file;
}

function top(map: Map<string, number>, count: number): ProfileLine[] {
  return [...map.entries()]
    .map(([name, selfMs]) => ({ name, selfMs }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, count);
}

/** Starts sampling now; `stop(file)` writes the profile and sums it. */
export async function startCpuProfile(root: string, bundle?: BundleMap): Promise<{ stop(file: string, count?: number): Promise<ProfileSummary> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 1 ms: fine enough for a run of seconds, coarse enough not to weigh on it.
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop(file, count = 15) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      session.disconnect();
      await fs.writeFile(file, JSON.stringify(profile));
      const samples = profile.samples?.length ?? 0;
      const totalMs = (profile.endTime - profile.startTime) / 1000;
      const perSample = samples ? totalMs / samples : 0;
      const byFunction = new Map<string, number>();
      const byFile = new Map<string, number>();
      for (const node of profile.nodes) {
        const hits = node.hitCount ?? 0;
        if (!hits) continue;
        const { functionName } = node.callFrame;
        // (idle) is the event loop waiting: not CPU.
        if (functionName === '(idle)') continue;
        const source = sourceOf(node.callFrame, bundle);
        const where = shortUrl(source.file, root);
        const fn = `${functionName || '(anonymous)'} ${where}${source.file ? `:${source.line + 1}` : ''}`;
        byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits * perSample);
        byFile.set(where, (byFile.get(where) ?? 0) + hits * perSample);
      }
      return { file, totalMs, byFunction: top(byFunction, count), byFile: top(byFile, count) };
    },
  };
}

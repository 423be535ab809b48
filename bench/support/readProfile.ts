/**
 * Sums a .cpuprofile written by `node --cpu-prof` (the vault bench's VAULT_BENCH_CPU_PROF run):
 * the share of idle, GC and program time, then the functions by self time and by inclusive time
 * (a function counted once per sample however deep it recurses), named through the bundles'
 * source maps so the minified vault reads as its TypeScript.
 *   npx tsx bench/support/readProfile.ts <file.cpuprofile> [top N, default 25]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shortUrl, sourceOf, type BundleMap, type Profile, type ProfileNode } from './cpuProfile';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Each bundle file's linked map (dist/bin's chunks each have their own), read once, and the lines
 * added after the map was written: build-cli.mjs puts a `#!` line on top of the entry bundles.
 */
const maps = new Map<string, { bundle: BundleMap; shift: number } | undefined>();
function bundleOf(frame: ProfileNode['callFrame']): { bundle: BundleMap; shift: number } | undefined {
  if (!frame.url.startsWith('file:')) return undefined;
  const file = fileURLToPath(frame.url);
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    const shift = readFileSync(file, 'utf8').startsWith('#!') ? 1 : 0;
    maps.set(file, existsSync(mapFile) ? { bundle: { file, map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) }, shift } : undefined);
  }
  return maps.get(file);
}

function label(node: ProfileNode): string {
  const { functionName } = node.callFrame;
  if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
  const mapped = bundleOf(node.callFrame);
  const frame = mapped ? { ...node.callFrame, lineNumber: node.callFrame.lineNumber - mapped.shift } : node.callFrame;
  const source = sourceOf(frame, mapped?.bundle);
  return `${functionName || '(anonymous)'} ${shortUrl(source.file, ROOT)}${source.file ? `:${source.line + 1}` : ''}`;
}

function main(): void {
  const [file, n = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: npx tsx bench/support/readProfile.ts <file.cpuprofile> [top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const labels = new Map(profile.nodes.map((node) => [node.id, label(node)]));

  // Each sample weighs the time until the next one (timeDeltas[i + 1]).
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    totalMs += ms;
    const leaf = samples[i]!;
    self.set(labels.get(leaf)!, (self.get(labels.get(leaf)!) ?? 0) + ms);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const name = labels.get(id)!;
      if (nodes.get(id)!.callFrame.functionName === '(root)' || seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  const idle = self.get('(idle)') ?? 0;
  console.log(`profile ${path.basename(file)}: ${totalMs.toFixed(0)} ms sampled, idle ${pct(idle)}, busy ${(totalMs - idle).toFixed(0)} ms`);
  const top = (map: Map<string, number>, title: string) => {
    console.log(`\n${title}`);
    for (const [name, ms] of [...map].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
      console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${name}`);
    }
  };
  top(self, 'by self time');
  top(inclusive, 'by inclusive time');
}

main();

/**
 * `npm run fuzz -- [--count N] [--seed S] [--target a,b] [--replay file]`: fuzzes every place
 * where input comes from outside, each target in its own worker thread, and prints its figures
 * next to their goals. A failing input is saved under fuzz-failures/ with the command to replay it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { replay, type Figures } from './lib/loop';
import { passed, reportLines } from './lib/report';
import { TARGETS } from './targets';
import { MAX_SLOTS, sharedSlots, slotView, type WorkerData } from './lib/watchdog';

/** An input still running after this long is a hang beyond doubt: the worker is stopped. */
const KILL_MS = 30_000;
const ROOT = path.resolve(__dirname, '..');

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    target: { type: 'string' },
    replay: { type: 'string' },
  },
});
const count = Number(values.count);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const names = values.target?.split(',') ?? TARGETS.map((t) => t.name);
const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length || !Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed)) {
  console.error(`usage: npm run fuzz -- [--count N] [--seed S] [--target ${TARGETS.map((t) => t.name).join(',')}] [--replay file]`);
  process.exit(2);
}
const saveDir = path.join(ROOT, 'fuzz-failures');

async function replayOne(file: string): Promise<number> {
  const target = TARGETS.find((t) => t.name === names[0])!;
  try {
    const { outcome, ms } = await replay(target, file);
    console.log(`REPLAY ${target.name} ${file}: ${outcome} in ${ms.toFixed(1)} ms`);
    return 0;
  } catch (err) {
    console.log(`REPLAY ${target.name} ${file}: uncaught`, err);
    return 1;
  }
}

function runInWorker(name: string): Promise<Figures> {
  const shared = sharedSlots();
  const data: WorkerData = { target: name, count, seed, saveDir, shared };
  // tsx's loader in the worker too: the targets are TypeScript.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    const watchdog = setInterval(() => {
      for (let slot = 0; slot < MAX_SLOTS; slot++) {
        const { header, bytes } = slotView(shared, slot);
        if (header[0]! > 0 && Date.now() - header[0]! > KILL_MS) void hung(slot, header, bytes);
      }
    }, 1000);
    const hung = async (slot: number, header: Float64Array, bytes: Uint8Array) => {
      clearInterval(watchdog);
      const index = header[1]!;
      await worker.terminate();
      let file = 'the input was too large to keep';
      if (header[2]! >= 0) {
        await fs.mkdir(saveDir, { recursive: true });
        file = path.join(saveDir, `${name}-${seed}-${index}.bin`);
        await fs.writeFile(file, bytes.slice(0, header[2]));
      }
      reject(new Error(`input #${index} (slot ${slot}) still running after ${KILL_MS / 1000} s; replay: npm run fuzz -- --target ${name} --replay ${file}`));
    };
    worker.on('message', (m: { progress?: number; figures?: Figures }) => {
      if (m.progress !== undefined && m.progress % 10_000 === 0) console.log(`FUZZ ${name} ... ${m.progress} inputs`);
      if (m.figures) {
        clearInterval(watchdog);
        void worker.terminate();
        resolve(m.figures);
      }
    });
    worker.once('error', (err) => { clearInterval(watchdog); reject(err); });
  });
}

async function main(): Promise<number> {
  if (values.replay) return replayOne(values.replay);
  console.log(`FUZZ seed=${seed} count=${count} per target (replay this run with --seed ${seed})`);
  let failed = 0;
  for (const name of names) {
    try {
      const figures = await runInWorker(name);
      for (const line of reportLines(figures)) console.log(line);
      if (!passed(figures)) failed++;
    } catch (err) {
      console.log(`FUZZ ${name} FAILED: ${(err as Error).message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

void main().then((code) => process.exit(code));

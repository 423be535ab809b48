/**
 * Runs one target in a worker thread, so that the main thread can stop an input that never
 * returns: before each input, its start time and serialized copy go to shared memory, where the
 * watchdog (main.ts) finds them.
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { runTarget, type RunOptions } from './lib/loop';
import { TARGETS } from './targets';

export interface WorkerData extends Pick<RunOptions, 'count' | 'seed' | 'saveDir'> {
  target: string;
  /** Per slot: [start time in ms (0 when idle), index, input length], then the input's bytes. */
  shared: SharedArrayBuffer;
}

export const SLOT_BYTES = 1024 * 1024;
export const MAX_SLOTS = 16;

/** A view of one slot: the header (Float64: started, index, length) and the input bytes. */
export function slotView(shared: SharedArrayBuffer, slot: number): { header: Float64Array; bytes: Uint8Array } {
  const base = slot * (SLOT_BYTES + 24);
  return { header: new Float64Array(shared, base, 3), bytes: new Uint8Array(shared, base + 24, SLOT_BYTES) };
}

if (parentPort) {
  const data = workerData as WorkerData;
  const target = TARGETS.find((t) => t.name === data.target)!;
  const port = parentPort;
  void runTarget(target, {
    ...data,
    onInput(slot, index, input) {
      const { header, bytes } = slotView(data.shared, slot % MAX_SLOTS);
      const copy = v8.serialize(input);
      const fits = copy.length <= SLOT_BYTES;
      if (fits) bytes.set(copy);
      header[1] = index;
      header[2] = fits ? copy.length : -1;
      header[0] = Date.now();
    },
    onProgress: (done) => port.postMessage({ progress: done }),
  }).then((figures) => port.postMessage({ figures }));
}

/**
 * Runs one target in a worker thread (main.ts starts it), so that the main thread's watchdog can
 * stop an input that never returns: before each input, its start time and serialized copy go to
 * shared memory (lib/watchdog.ts).
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { runTarget } from './lib/loop';
import { SLOT_BYTES, slotView, type WorkerData } from './lib/watchdog';
import { TARGETS } from './targets';

const data = workerData as WorkerData;
const target = TARGETS.find((t) => t.name === data.target)!;
const port = parentPort!;
void runTarget(target, {
  ...data,
  onInput(slot, index, input) {
    const { header, bytes } = slotView(data.shared, slot);
    const copy = v8.serialize(input);
    const fits = copy.length <= SLOT_BYTES;
    if (fits) bytes.set(copy);
    header[1] = index;
    header[2] = fits ? copy.length : -1;
    header[0] = Date.now();
  },
  onProgress: (done) => port.postMessage({ progress: done }),
}).then((figures) => port.postMessage({ figures }));

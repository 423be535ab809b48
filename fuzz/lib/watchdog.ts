/**
 * What the fuzzing worker shares with the main thread's watchdog: per slot (an input in flight),
 * its start time, index and serialized copy, so that an input that never returns can be stopped
 * and saved from outside.
 */
export const SLOT_BYTES = 1024 * 1024;
export const MAX_SLOTS = 16;
const HEADER_BYTES = 24;

export interface WorkerData {
  target: string;
  count: number;
  seed: number;
  saveDir: string;
  shared: SharedArrayBuffer;
}

export function sharedSlots(): SharedArrayBuffer {
  return new SharedArrayBuffer(MAX_SLOTS * (SLOT_BYTES + HEADER_BYTES));
}

/** One slot: the header (start time in ms or 0, index, length or -1 when too large) and the input's bytes. */
export function slotView(shared: SharedArrayBuffer, slot: number): { header: Float64Array; bytes: Uint8Array } {
  const base = (slot % MAX_SLOTS) * (SLOT_BYTES + HEADER_BYTES);
  return { header: new Float64Array(shared, base, 3), bytes: new Uint8Array(shared, base + HEADER_BYTES, SLOT_BYTES) };
}

/**
 * The fuzz loop: make input i from (seed, i), run it, and sort the outcome. A target's run
 * returns "accepted" or the typed code it refused the input with; anything it throws is an
 * uncaught exception, a bug. Inputs past 1 s count as hangs. Both are saved to a file to replay.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Rand } from './random';

export const ACCEPTED = 'accepted';
export const HANG_MS = 1000;

export interface Fixture<I> {
  generate(r: Rand): I;
  /** `ACCEPTED`, or the code of the typed refusal; throws for anything else. */
  run(input: I): Promise<string> | string;
  /** Inputs run at once (the HTTP targets); 1 by default. */
  concurrency?: number;
  /** After the run: named checks that must hold (the vault still healthy, its state readable). */
  after?(): Promise<Record<string, boolean>>;
  close(): Promise<void>;
}

export interface Target<I = unknown> {
  name: string;
  open(): Promise<Fixture<I>>;
}

export interface Failure {
  index: number;
  kind: 'uncaught' | 'hang';
  message: string;
  file?: string;
}

export interface Figures {
  target: string;
  seed: number;
  inputs: number;
  seconds: number;
  accepted: number;
  /** Typed refusals by code. */
  rejected: Map<string, number>;
  failures: Failure[];
  uncaught: number;
  hangs: number;
  /**
   * Hangs during which the whole process used under a quarter of their time in CPU: the input
   * waited for a core (this machine's two are shared) rather than computed. Still counted as hangs.
   */
  starvedHangs: number;
  slowestMs: number;
  /** The process's CPU time (every thread: the target, an in-process vault, libuv's pool) while the slowest input ran. */
  slowestCpuMs: number;
  /** What the slowest input came to. */
  slowestOutcome: string;
  after: Record<string, boolean>;
}

export interface RunOptions {
  count: number;
  seed: number;
  /** Where failing inputs are written; none when undefined. */
  saveDir?: string;
  /** Called with the input about to run (the watchdog's copy, for an input that never returns). */
  onInput?: (slot: number, index: number, input: unknown) => void;
  onProgress?: (done: number) => void;
}

export async function runTarget<I>(target: Target<I>, options: RunOptions): Promise<Figures> {
  const fixture = await target.open();
  const figures: Figures = {
    target: target.name, seed: options.seed, inputs: 0, seconds: 0, accepted: 0, rejected: new Map(),
    failures: [], uncaught: 0, hangs: 0, starvedHangs: 0, slowestMs: 0, slowestCpuMs: 0, slowestOutcome: '', after: {},
  };
  const started = performance.now();
  let next = 0;
  const worker = async (slot: number) => {
    for (let index = next++; index < options.count; index = next++) {
      const input = fixture.generate(Rand.forInput(options.seed, index));
      options.onInput?.(slot, index, input);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let outcome: string | Error;
      try {
        outcome = await fixture.run(input);
      } catch (err) {
        outcome = err instanceof Error ? err : new Error(String(err));
      }
      const ms = performance.now() - t0;
      const { user, system } = process.cpuUsage(cpu0);
      const cpuMs = (user + system) / 1000;
      figures.inputs++;
      if (ms > figures.slowestMs) {
        figures.slowestMs = ms;
        figures.slowestCpuMs = cpuMs;
        figures.slowestOutcome = outcome instanceof Error ? 'uncaught' : outcome;
      }
      if (outcome instanceof Error) figures.uncaught++;
      else if (outcome === ACCEPTED) figures.accepted++;
      else figures.rejected.set(outcome, (figures.rejected.get(outcome) ?? 0) + 1);
      if (ms > HANG_MS) {
        figures.hangs++;
        if (cpuMs < ms / 4) figures.starvedHangs++;
      }
      if (outcome instanceof Error || ms > HANG_MS) {
        const failure: Failure = outcome instanceof Error
          ? { index, kind: 'uncaught', message: (outcome.stack ?? outcome.message).split('\n').slice(0, 6).join('\n') }
          : { index, kind: 'hang', message: `${ms.toFixed(0)} ms (process CPU meanwhile ${cpuMs.toFixed(0)} ms), ${outcome}` };
        if (options.saveDir && figures.failures.length < 20) failure.file = await saveInput(options.saveDir, target.name, options.seed, index, input);
        figures.failures.push(failure);
      }
      if (figures.inputs % 1000 === 0) options.onProgress?.(figures.inputs);
    }
  };
  try {
    const slots = Array.from({ length: fixture.concurrency ?? 1 }, (_, slot) => worker(slot));
    await Promise.all(slots).catch(async (err: unknown) => {
      // A generator that throws is the fuzzer's bug: stop the other slots before the fixture closes.
      next = options.count;
      await Promise.allSettled(slots);
      throw err;
    });
    figures.seconds = (performance.now() - started) / 1000;
    figures.after = (await fixture.after?.()) ?? {};
  } finally {
    await fixture.close();
  }
  return figures;
}

/** Writes an input (structured-clone serialized: Buffers, odd numbers and all) for --replay. */
export async function saveInput(dir: string, target: string, seed: number, index: number, input: unknown): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${target}-${seed}-${index}.bin`);
  await fs.writeFile(file, v8.serialize(input));
  return file;
}

/** Runs one saved input again; resolves its outcome or rejects with what it threw. */
export async function replay<I>(target: Target<I>, file: string): Promise<{ outcome: string; ms: number }> {
  const input = v8.deserialize(await fs.readFile(file)) as I;
  const fixture = await target.open();
  try {
    const t0 = performance.now();
    const outcome = await fixture.run(input);
    return { outcome, ms: performance.now() - t0 };
  } finally {
    await fixture.close();
  }
}

/** A target of any input type, as the list of targets holds them. */
export type AnyTarget = Target<never>;

/**
 * The fuzzer's seeded randomness: every input is made from its own generator, derived from the
 * run's seed and the input's index, so one input can be made again without the others.
 */
export class Rand {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** For input `index` of a run seeded with `seed`. */
  static forInput(seed: number, index: number): Rand {
    return new Rand(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  }

  /** mulberry32: tiny, fast and good enough to steer mutations. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)));
  }

  /**
   * A length drawn mostly small, sometimes large: where parsers and limits break. `huge` adds
   * one past the vault's 1 MiB drain limit (for a body; a file that size only measures I/O).
   */
  length(huge = false): number {
    return this.pick([0, 1, 2, 7, 64, 255, 256, 1024, 4097, 65_536, 70_000, 1_100_000].slice(0, this.chance(0.9) ? 8 : huge ? 12 : 11));
  }
}

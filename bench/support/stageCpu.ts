/**
 * Splits a process's CPU between the stages its servers are in. Told of every row change, it reads
 * the clock (CPU and wall) at each change, and gives the CPU of the interval since the last change
 * to the servers running during it, in equal shares, each share to the stage its server was in.
 * JavaScript runs one callback at a time, so within an interval the CPU went to these servers'
 * work (thread-pool crypto and zlib included, as cpuUsage counts every thread), but not
 * necessarily in equal shares: the split is exact in total and an estimate per stage, which over
 * many servers averages out. CPU while no server runs (the fleet's own checks) is `outside`.
 * Stage names come from the rows, so new or renamed stages need no change here.
 */
import type { ServerRow } from '../../src/core/fleet';

/** What the fleet tells of a server: running from startedAt until finishedAt. */
export type StageRow = Pick<ServerRow, 'key' | 'state' | 'stage' | 'startedAt' | 'finishedAt'>;

export interface Clock {
  /** CPU used so far, ms. */
  cpuMs(): number;
  /** Wall time, ms. */
  wallMs(): number;
}

export interface StageFigures {
  /** CPU given to servers in this stage, ms, summed over servers. */
  cpuMs: number;
  /** Time servers spent in this stage, ms, summed over servers. */
  wallMs: number;
}

export const processClock: Clock = {
  cpuMs: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  wallMs: () => performance.now(),
};

export class StageCpu {
  /** Each running server's stage. */
  private readonly running = new Map<string, string>();
  /** In order of first appearance. */
  readonly stages = new Map<string, StageFigures>();
  /** CPU while no server was running, ms. */
  outsideMs = 0;
  private lastCpu: number;
  private lastWall: number;

  constructor(private readonly clock: Clock = processClock) {
    this.lastCpu = clock.cpuMs();
    this.lastWall = clock.wallMs();
  }

  /** A row changed: closes the interval, then notes where its server is now. */
  update(row: StageRow): void {
    this.settle();
    if (row.startedAt !== undefined && row.finishedAt === undefined) this.running.set(row.key, row.stage ?? row.state);
    else this.running.delete(row.key);
  }

  /** Gives the CPU and wall since the last reading to the servers running in between. */
  settle(): void {
    const cpu = this.clock.cpuMs();
    const wall = this.clock.wallMs();
    const cpuMs = cpu - this.lastCpu;
    const wallMs = wall - this.lastWall;
    if (this.running.size === 0) this.outsideMs += cpuMs;
    for (const stage of this.running.values()) {
      const figures = this.stages.get(stage) ?? { cpuMs: 0, wallMs: 0 };
      figures.cpuMs += cpuMs / this.running.size;
      figures.wallMs += wallMs;
      this.stages.set(stage, figures);
    }
    this.lastCpu = cpu;
    this.lastWall = wall;
  }

  /** Every stage's CPU plus the CPU outside any server, ms. */
  totalCpuMs(): number {
    let total = this.outsideMs;
    for (const { cpuMs } of this.stages.values()) total += cpuMs;
    return total;
  }
}

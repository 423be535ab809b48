/**
 * Where the machine's CPU went during a run, from /proc: this (admin) process, the processes it
 * started and reaped (OpenSSH's clients in the floor), the servers' process trees, the vault's,
 * and the rest (other work sharing the cores). Read before and after the run; the difference is
 * the run's.
 */
import { readFileSync } from 'node:fs';
import { readStat, TICK_MS, treeCpuMs } from '../../test/support/processes';
import { processClock } from './stageCpu';

export interface CpuReading {
  wallMs: number;
  /** Busy time of every core of the machine. */
  machineMs: number;
  adminMs: number;
  adminChildrenMs: number;
  serversMs: number;
  vaultMs: number;
}

/** Busy time of all cores: /proc/stat's first line, every state but idle and iowait. */
function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal; guest time is already counted in user.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/** All figures now; `servers` and `vault` are the roots of their process trees. */
export function readCpu(servers: readonly number[], vault: readonly number[]): CpuReading {
  return {
    wallMs: processClock.wallMs(),
    machineMs: machineBusyMs(),
    adminMs: processClock.cpuMs(),
    adminChildrenMs: readStat(process.pid)?.reapedMs ?? 0,
    serversMs: treeCpuMs(servers),
    vaultMs: treeCpuMs(vault),
  };
}

/** A run's figures: the differences between two readings. */
export interface RunCpu extends CpuReading {
  /** The machine's busy time that none of the others account for. */
  restMs: number;
}

/** The run's figures between two readings, plus what the rest of the machine used. */
export function cpuBetween(before: CpuReading, after: CpuReading): RunCpu {
  const delta = (k: keyof CpuReading) => after[k] - before[k];
  const run = {
    wallMs: delta('wallMs'),
    machineMs: delta('machineMs'),
    adminMs: delta('adminMs'),
    adminChildrenMs: delta('adminChildrenMs'),
    serversMs: delta('serversMs'),
    vaultMs: delta('vaultMs'),
  };
  return { ...run, restMs: run.machineMs - run.adminMs - run.adminChildrenMs - run.serversMs - run.vaultMs };
}

/**
 * Linux processes as /proc shows them: a process's descendants, and the CPU a process tree has
 * used. Used to kill an sshd (or a tsx-run vault) with every process it started, and by the fleet
 * bench to tell the servers' CPU from the admin process's.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Milliseconds in a clock tick, the unit of /proc's times: USER_HZ, 100 per second on Linux's x86 and Arm ABIs. */
export const TICK_MS = 10;

export interface ProcessStat {
  ppid: number;
  /** CPU the process used itself, user + system, ms. */
  ownMs: number;
  /** CPU its children used, once ended and reaped by it (with their own reaped children), ms. */
  reapedMs: number;
}

/** /proc/<pid>/stat, or undefined once the process is gone. */
export function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which may hold spaces and parentheses: state is field 3.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  // utime, stime, cutime, cstime: fields 14 to 17.
  return { ppid: field(4), ownMs: (field(14) + field(15)) * TICK_MS, reapedMs: (field(16) + field(17)) * TICK_MS };
}

/** Every live process's stat, and each process's children, read once. */
function snapshot(): { stats: Map<number, ProcessStat>; children: Map<number, number[]> } {
  const stats = new Map<number, ProcessStat>();
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue; // It ended while we looked.
    stats.set(pid, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  return { stats, children };
}

function walk(pid: number, children: Map<number, number[]>, found: number[] = []): number[] {
  for (const child of children.get(pid) ?? []) {
    found.push(child);
    walk(child, children, found);
  }
  return found;
}

/** Every process descended from `pid`, deepest last. */
export function descendants(pid: number): number[] {
  return walk(pid, snapshot().children);
}

/** SIGKILL `pid` and every process descended from it (found first, so none is re-parented away). */
export function killTree(pid: number): void {
  for (const each of [pid, ...descendants(pid)]) {
    try {
      process.kill(each, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * The CPU, in ms, used so far by the trees rooted at `pids`: every live process's own time plus
 * its reaped children's, so a session that ended (reaped by its sshd) still counts. A process that
 * left the tree before it ended (re-parented to init) is lost.
 */
export function treeCpuMs(pids: readonly number[]): number {
  const { stats, children } = snapshot();
  let total = 0;
  for (const root of pids) {
    for (const pid of [root, ...walk(root, children)]) {
      const stat = stats.get(pid);
      if (stat) total += stat.ownMs + stat.reapedMs;
    }
  }
  return total;
}

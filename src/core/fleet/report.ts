/** What a fleet run's report adds up to, and what to run again. */
import type { FinalState, FleetReport, FleetServer, ServerRow } from './types';

/** The final states counted; `simulated` only when a row is (a simulated shell's run registers nothing). */
export function countRows(rows: readonly ServerRow[]): Record<FinalState, number> & { simulated?: number } {
  const counts: Record<FinalState, number> & { simulated?: number } = { registered: 0, skipped: 0, failed: 0, cancelled: 0 };
  for (const { state } of rows) {
    if (state === 'simulated') counts.simulated = (counts.simulated ?? 0) + 1;
    else if (state in counts) counts[state as FinalState]++;
  }
  return counts;
}

/** The servers of a report to run again: failed and cancelled ones, in the given order. */
export function serversToRetry(report: FleetReport, servers: FleetServer[]): FleetServer[] {
  const again = new Set(report.rows.filter((r) => r.state === 'failed' || r.state === 'cancelled').map((r) => r.key));
  return servers.filter((s) => again.has(s.key));
}

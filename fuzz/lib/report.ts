/** The figures of a run as plain lines, each next to its goal. */
import type { Figures } from './loop';

export function reportLines(f: Figures): string[] {
  const rejected = [...f.rejected.values()].reduce((a, b) => a + b, 0);
  const codes = [...f.rejected].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([code, n]) => `${code}=${n}`).join(' ');
  const lines = [
    `FUZZ ${f.target} seed=${f.seed} inputs=${f.inputs} rate=${(f.inputs / Math.max(f.seconds, 1e-9)).toFixed(0)}/s time=${f.seconds.toFixed(1)}s`,
    `FUZZ ${f.target} typed rejections=${rejected} accepted=${f.accepted} (codes: ${codes || 'none'})`,
    `FUZZ ${f.target} uncaught exceptions=${f.uncaught} (goal 0) hangs past 1 s=${f.hangs} (goal 0; of them waiting for a core, under a quarter of their time in CPU: ${f.starvedHangs}) slowest input=${f.slowestMs.toFixed(1)} ms, process CPU meanwhile ${f.slowestCpuMs.toFixed(1)} ms (goal < 1000; it was ${f.slowestOutcome})`,
  ];
  for (const [check, ok] of Object.entries(f.after)) lines.push(`FUZZ ${f.target} ${check}=${ok ? 'OK' : 'FAILED'}`);
  for (const failure of f.failures) {
    lines.push(`FUZZ ${f.target} ${failure.kind} at input #${failure.index}: ${failure.message.split('\n')[0]!.slice(0, 300)}`);
    if (failure.file) lines.push(`  replay: npm run fuzz -- --target ${f.target} --replay ${failure.file}`);
  }
  return lines;
}

/** Whether a run met every goal. */
export function passed(f: Figures): boolean {
  return f.uncaught === 0 && f.hangs === 0 && Object.values(f.after).every(Boolean);
}

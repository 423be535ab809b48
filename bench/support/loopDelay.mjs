// Preloaded into a bench's server child (`node --import ./bench/support/loopDelay.mjs …`): measures
// its event-loop delay with perf_hooks.monitorEventLoopDelay. On SIGUSR2 it writes the figures
// since the previous SIGUSR2 (or its start) as JSON to $LOOP_DELAY_FILE and starts again, so a
// bench reads the delay over its load alone.
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.LOOP_DELAY_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns) => ns / 1e6;
    const figures = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), count: histogram.count };
    histogram.reset();
    writeFileSync(`${file}.tmp`, JSON.stringify(figures));
    renameSync(`${file}.tmp`, file);
  });
}

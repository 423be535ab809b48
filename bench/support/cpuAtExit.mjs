// Preloaded into a process the short-run bench starts (`node --import ./bench/support/cpuAtExit.mjs
// …`): writes the process's own CPU time, every thread's (getrusage), to $BENCH_CPU_FILE as it
// exits. With $BENCH_DEFAULT_WASM_TIERING set, the process keeps V8's default WebAssembly tiering:
// the wasm flags its entry point sets (src/core/http/shortRun.ts) are skipped.
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import v8 from 'node:v8';

if (process.env.BENCH_DEFAULT_WASM_TIERING) {
  const set = v8.setFlagsFromString;
  v8.setFlagsFromString = (flags) => {
    if (!String(flags).includes('wasm')) set(flags);
  };
  // A bundle's `import { setFlagsFromString } from 'node:v8'` (an ES module) sees the change only after this.
  syncBuiltinESMExports();
}

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  appendFileSync(process.env.BENCH_CPU_FILE, `${user + system}\n`);
});

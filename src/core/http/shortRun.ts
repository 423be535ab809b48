/**
 * For a process that makes a few requests and exits: the agent on a server, the command line.
 * undici parses HTTP with llhttp compiled to WebAssembly, and after very little use V8 compiles
 * that parser again with its optimizing tier on a background thread: about 0.2 s of CPU a
 * process on Node 20, more than a handful of responses take to parse on the baseline tier.
 * V8's flags belong to the whole process, so this is for our own entry points only, never for a
 * host shared with others (the extension host).
 */
import { setFlagsFromString } from 'node:v8';

export function keepWasmOnBaselineTier(): void {
  // Both, before the first request: either alone still tiers up (without dynamic tiering, V8
  // compiles every function of the module with the optimizing tier up front).
  setFlagsFromString('--no-wasm-dynamic-tiering');
  setFlagsFromString('--no-wasm-tier-up');
}

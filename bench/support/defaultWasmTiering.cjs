// Preloaded (`node --require`) into the short-run bench's baseline processes only: they keep V8's
// default WebAssembly tiering, the wasm flags their entry point sets (src/core/http/shortRun.ts)
// being skipped. The processes as shipped run without it.
'use strict';
const v8 = require('node:v8');
const { syncBuiltinESMExports } = require('node:module');

const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  if (!String(flags).includes('wasm')) set(flags);
};
// A bundle's `import { setFlagsFromString } from 'node:v8'` (an ES module) sees the change only after this.
syncBuiltinESMExports();

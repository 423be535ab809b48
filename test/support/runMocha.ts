// The extension host require()s a layer's index.js and awaits run(): this runs every *.test.js
// beside it. A rejected promise makes the workbench report exit code 1. MOCHA_GREP, when set, runs
// only the tests whose full title matches it (one suite while working on it; never in `npm test`).
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export function runMocha(dir: string, timeout = 60000): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout, reporter: 'spec', ...(process.env.MOCHA_GREP ? { grep: process.env.MOCHA_GREP } : {}) });
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}

// The extension host require()s a layer's index.js and awaits run(): this runs every *.test.js
// beside it (or only the TEST_FILES named). A rejected promise makes the workbench report exit code 1.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export function runMocha(dir: string, timeout = 60000): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout, reporter: 'spec' });
  // TEST_FILES (comma-separated names without .test.js, set through scripts/test.mjs) runs only those files.
  const only = process.env.TEST_FILES?.split(',').map((n) => `${n.trim()}.test.js`);
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || only.includes(f))).sort()) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}

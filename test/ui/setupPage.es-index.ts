// The UI layer's Spanish pass (code-server --locale es with the test-only language pack): the
// setup page journey, whose expectations follow the host's language. The other UI suites
// expect English texts, so this pass loads only this one.
import path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'setupPage.test.js'));
  return new Promise((resolve, reject) => mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed.`)) : resolve())));
}

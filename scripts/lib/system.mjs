// What the tests need from the system, checked before anything runs: one line naming the
// Debian package for each thing that is missing.
import fs from 'node:fs';
import { CHROMIUM } from './run-in-vscode.mjs';

const REQUIREMENTS = [
  { what: 'Chromium (drives the VS Code workbench)', pkg: 'chromium', present: () => fs.existsSync(CHROMIUM) },
  { what: 'Kerberos headers (code-server builds its kerberos module)', pkg: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/krb5.h') || fs.existsSync('/usr/include/krb5/krb5.h') },
];

/** Returns the lines to print for what is missing (empty when all is there). */
export function missingSystemPackages(extra = []) {
  if (process.platform !== 'linux') return [];
  return [...REQUIREMENTS, ...extra].filter((r) => !r.present()).map((r) => `missing ${r.what}: install the Debian package ${r.pkg} (apt-get install ${r.pkg})`);
}

// What the tests need from the system, checked before anything runs: one line naming the
// Debian package for each thing that is missing.
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM } from './run-in-vscode.mjs';

const onPath = (name) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));

const REQUIREMENTS = [
  { what: 'Chromium (drives the VS Code workbench)', pkg: 'chromium', present: () => fs.existsSync(CHROMIUM) },
  { what: 'Kerberos headers (code-server builds its kerberos module)', pkg: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/krb5.h') || fs.existsSync('/usr/include/krb5/krb5.h') },
];

/**
 * The real proxy and SSH server the tests run against (test/support/squid.ts, sshd.ts). Those
 * tests skip where these are missing, so `npm test` checks for them first: on CI a skip would
 * hide the gap.
 */
export const TEST_REQUIREMENTS = [
  { what: 'squid with basic authentication (the proxy tests)', pkg: 'squid', present: () => fs.existsSync('/usr/sbin/squid') && fs.existsSync('/usr/lib/squid/basic_ncsa_auth') },
  { what: 'htpasswd (the proxy tests\' password file)', pkg: 'apache2-utils', present: () => onPath('htpasswd') },
  { what: 'sshd (the remote server tests)', pkg: 'openssh-server', present: () => fs.existsSync('/usr/sbin/sshd') },
  { what: 'ssh-keygen (the remote server tests\' keys)', pkg: 'openssh-client', present: () => onPath('ssh-keygen') },
];

/** Returns the lines to print for what is missing (empty when all is there). */
export function missingSystemPackages(extra = []) {
  if (process.platform !== 'linux') return [];
  return [...REQUIREMENTS, ...extra].filter((r) => !r.present()).map((r) => `missing ${r.what}: install the Debian package ${r.pkg} (apt-get install ${r.pkg})`);
}

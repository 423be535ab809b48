// The Debian packages `npm start` and `npm test` need, installed by those commands themselves when
// missing, as `playwright install --with-deps` does: with apt-get as root, or through `sudo -n`
// when that works without a password; otherwise they print the exact command and stop.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const onPath = (name) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));

/** What `npm start` needs: the tools that build code-server's native modules (kerberos, argon2). */
export const START_PACKAGES = [
  { pkg: 'libkrb5-dev', why: 'code-server builds its Kerberos module' },
  { pkg: 'python3', why: 'node-gyp builds code-server\'s native modules' },
  { pkg: 'make', why: 'node-gyp builds code-server\'s native modules' },
  { pkg: 'g++', why: 'node-gyp builds code-server\'s native modules' },
];

/** What `npm test` adds: every program a test starts or calls. */
export const TEST_PACKAGES = [
  ...START_PACKAGES,
  // A Chromium of the user's own (CHROMIUM_PATH) stands in for the package.
  { pkg: 'chromium', why: 'drives the VS Code workbench', satisfied: () => Boolean(process.env.CHROMIUM_PATH) && fs.existsSync(process.env.CHROMIUM_PATH) },
  { pkg: 'squid', why: 'the HTTP proxy of the proxy tests' },
  { pkg: 'apache2-utils', why: 'htpasswd, the proxy tests\' password file' },
  { pkg: 'openssh-server', why: 'sshd, the remote servers of the SSH and fleet tests' },
  { pkg: 'openssh-client', why: 'ssh-keygen, ssh-agent and ssh-add for those servers\' keys' },
  { pkg: 'openssl', why: 'reads the credentials file\'s PFX as the agent would' },
  { pkg: 'passwd', why: 'useradd and chpasswd make the SSH tests\' users' },
  { pkg: 'mount', why: 'tmpfs mounts for the full-disk tests' },
];

/** True when dpkg has the package installed; undefined where there is no dpkg (not Debian). */
function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  if (r.error) return undefined;
  return r.status === 0 && /\binstall ok installed\b/.test(r.stdout);
}

/** The packages of `wanted` that are not installed. */
export function missingPackages(wanted) {
  return wanted.filter((p) => !p.satisfied?.() && dpkgInstalled(p.pkg) === false);
}

/** How apt-get can run here: as root, through `sudo -n`, or not at all. */
function privilege() {
  if (process.getuid?.() === 0) return [];
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo', '-n'];
  return undefined;
}

/**
 * Installs the missing Debian packages of `wanted`, printing the one command it runs. Returns
 * undefined when all is there afterwards, or the lines to print before stopping.
 */
export function ensureSystemPackages(wanted, { say = console.log } = {}) {
  if (process.platform !== 'linux') return undefined;
  const missing = missingPackages(wanted);
  if (!missing.length) return undefined;
  const names = missing.map((p) => p.pkg);
  const reasons = missing.map((p) => `  ${p.pkg}: ${p.why}`);
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...names];
  const prefix = privilege();
  if (!prefix || !onPath('apt-get')) {
    return [
      'These Debian packages are missing:', ...reasons,
      `Install them, then run this again:\n  sudo apt-get update && sudo ${install.join(' ')}`,
    ];
  }
  const command = [...prefix, 'apt-get', 'update', '&&', ...prefix, ...install].join(' ');
  say(`installing the missing Debian packages:\n${reasons.join('\n')}\n$ ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['apt-get', 'update'], install]) {
    const [cmd, ...rest] = [...prefix, ...args];
    const r = spawnSync(cmd, rest, { stdio: 'inherit', env });
    if (r.status !== 0) return [`${[cmd, ...rest].join(' ')} failed (exit ${r.status ?? r.signal}); run it yourself, then this again`];
  }
  const still = missingPackages(missing);
  return still.length ? [`apt-get finished, but these are still not installed: ${still.map((p) => p.pkg).join(', ')}`] : undefined;
}

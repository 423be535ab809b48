/**
 * The host facts from a POSIX shell: one script whose key=value output names the platform and
 * architecture as node does. The probe at connect runs it in the same session as `uname -s`.
 */
import type { HostFacts } from '../../target';

/**
 * One exec that prints key=value lines; each probe tolerates a missing tool. The lines are
 * gathered and printed at once: each printf of its own is an SSH packet the admin decrypts and
 * handles (9 a probe before, 2 now with `uname -s`).
 */
export const FACTS_SCRIPT = [
  'facts=$(',
  'printf "hostname=%s\\n" "$(hostname 2>/dev/null || uname -n)"',
  'printf "system=%s\\n" "$(uname -s)"',
  'printf "machine=%s\\n" "$(uname -m)"',
  'printf "release=%s\\n" "$(uname -r)"',
  'if [ -r /etc/os-release ]; then',
  '  printf "name=%s\\n" "$(sed -n "s/^NAME=//p" /etc/os-release | tr -d "\\"")"',
  '  printf "version=%s\\n" "$(sed -n "s/^VERSION_ID=//p" /etc/os-release | tr -d "\\"")"',
  'fi',
  'printf "home=%s\\n" "$HOME"',
  'printf "uid=%s\\n" "$(id -u)"',
  'printf "recordDir=%s\\n" "${BACKUP_AGENT_RECORD_DIR:-}"',
  // Asked here, so the agent's prerequisite check costs no session of its own; bounded, so a
  // stuck node cannot hold the connect (the check then asks node itself, with its own waits).
  'if command -v timeout >/dev/null 2>&1; then bounded="timeout 20"; else bounded=""; fi',
  'printf "node=%s\\n" "$($bounded node --version 2>/dev/null | head -n 1)"',
  ')',
  'printf "%s\\n" "$facts"',
].join('\n');

const PLATFORMS: Record<string, string> = { Linux: 'linux', Darwin: 'darwin', FreeBSD: 'freebsd', OpenBSD: 'openbsd', SunOS: 'sunos', AIX: 'aix' };
const ARCHES: Record<string, string> = {
  x86_64: 'x64',
  amd64: 'x64',
  aarch64: 'arm64',
  arm64: 'arm64',
  i386: 'ia32',
  i686: 'ia32',
  ppc64le: 'ppc64',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loongarch64: 'loong64',
};

/** `uname -s` / `uname -m` as node's process.platform / process.arch. */
export function nodePlatform(system: string): string {
  if (/^(CYGWIN|MINGW|MSYS)/i.test(system)) return 'win32';
  return PLATFORMS[system] ?? system.toLowerCase();
}

export function nodeArch(machine: string): string {
  return ARCHES[machine] ?? (machine.startsWith('arm') ? 'arm' : machine);
}

export function parseFacts(output: string): HostFacts {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !values.has(line.slice(0, eq))) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const get = (key: string) => values.get(key) ?? '';
  return {
    hostname: get('hostname'),
    platform: nodePlatform(get('system')),
    arch: nodeArch(get('machine')),
    osName: get('name') || get('system'),
    osVersion: get('version') || get('release'),
    homeDir: get('home'),
    elevated: get('uid') === '0',
    ...(get('recordDir') ? { recordDir: get('recordDir') } : {}),
    ...(get('node') ? { nodeVersion: get('node') } : {}),
  };
}

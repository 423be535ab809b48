/**
 * POSIX-shell command lines for exec over SSH: the server runs them with the login shell, so
 * every word is single-quoted.
 */
import { PID_MARKER } from '../../preamble';

/** 'text' with every ' written as '\'' : safe as one word in any POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `echo backup-agent-pid:$$ >&2; cd -- 'cwd' && K='v' exec 'cmd' 'arg'…`; env names must be shell
 * names (values are not secrets). The shell first prints its process id (which exec keeps) on
 * stderr, marked (preamble.ts), so the command can be killed later.
 */
export function commandLine(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const assignments = Object.entries(options.env ?? {}).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw Object.assign(new Error(`Not an environment variable name: ${name}`), { code: 'EINVAL' });
    return `${name}=${shellQuote(value)}`;
  });
  const run = [...assignments, 'exec', shellQuote(command), ...args.map(shellQuote)].join(' ');
  const line = options.cwd ? `cd -- ${shellQuote(options.cwd)} && ${run}` : run;
  return `echo ${PID_MARKER}$$ >&2; ${line}`;
}

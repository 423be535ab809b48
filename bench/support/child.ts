/** A bench's server child (the vault, or the bare baseline server): started, its URL read, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../../test/support/vault';

/**
 * The vault as `npm run vault` runs it: the installed command's bundle, with the dev build's
 * linked source maps, through which bench/support/readProfile.ts names a profile's functions.
 * (Its TypeScript source through tsx cost the served requests CPU of its own.)
 */
export function vaultCommand(): string[] {
  return ['scripts/run-bin.mjs', 'backup-vault'];
}

/** Starts `node …args` in the repository and resolves the URL it prints once listening. */
export async function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (output.length < 4096) output += d.toString(); // the request log keeps flowing: read and drop it
      const match = /listening on (https:\/\/[\d.:]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}): ${output}`)));
  });
  return { child, url };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A memory figure of a process from Linux's /proc, in MiB: VmRSS (now) or VmHWM (its peak). */
export function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

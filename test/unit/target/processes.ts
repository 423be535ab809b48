/** The processes on this machine, for tests that check what a target started or stopped (an SSH target's sessions run here too). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process's command line on this machine (the SSH server's sessions too). */
export function commandLines(): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    });
}

export const running = (marker: string) => commandLines().some((c) => c.includes(marker));

export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`still waiting after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

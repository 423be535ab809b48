// Vault credentials validation: our in-process parse of a real issued file against spawning
// `openssl pkcs12` to decode the same PFX, both measured in this run. Goal: our median <= 15 ms.
// The parser keeps what it decoded per content hash (a fleet reads one file for every server), so
// each timed parse gets bytes never seen before (trailing whitespace, which XML allows), and the
// repeat read of one file is printed apart.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCredentials } from '../src/core/credentials/parse';
import { certOf, issueTestCredentials } from '../test/support/credentials-corpus';
import { median } from './support/stats';

const PARSE_RUNS = 200;
const OPENSSL_RUNS = 50;
const GOAL_MS = 15;


function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const now = new Date();
  const issued = await issueTestCredentials(now);
  const bytes = Buffer.from(issued.xml);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'credentials-bench-'));
  try {
    const pfx = path.join(dir, 'management.pfx');
    await fs.writeFile(pfx, Buffer.from(certOf(issued.xml), 'base64'));
    const openssl = () => {
      const result = spawnSync('openssl', ['pkcs12', '-in', pfx, '-nodes', '-passin', 'pass:'], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (result.status !== 0) throw new Error(`openssl pkcs12 failed: ${result.stderr.toString().trim()}`);
    };

    let variant = 0;
    const unseen = () => Buffer.concat([bytes, Buffer.from(' '.repeat(++variant))]);
    for (let i = 0; i < 10; i++) parseCredentials(unseen(), issued.fileName, now); // JIT warm-up
    openssl();
    const ours = median(Array.from({ length: PARSE_RUNS }, () => {
      const input = unseen();
      return timeMs(() => parseCredentials(input, issued.fileName, now));
    }));
    const again = median(Array.from({ length: PARSE_RUNS }, () => timeMs(() => parseCredentials(bytes, issued.fileName, now))));
    const theirs = median(Array.from({ length: OPENSSL_RUNS }, () => timeMs(openssl)));

    console.log(
      `BENCH credentials parseCredentials median=${ours.toFixed(2)} ms (n=${PARSE_RUNS}) ` +
        `openssl-pkcs12 median=${theirs.toFixed(2)} ms (n=${OPENSSL_RUNS}) ratio=${(ours / theirs).toFixed(3)} ` +
        `goal<=${GOAL_MS} ms ${ours <= GOAL_MS ? 'met' : 'MISSED'}`,
    );
    console.log(`BENCH credentials parseCredentials of the same file again (decoded once, as a fleet reads it) median=${again.toFixed(3)} ms (n=${PARSE_RUNS})`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

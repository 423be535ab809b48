// Why a command gave no exit code, told the same way by the local target and by the SSH target
// on a real sshd: not found, not startable, timed out (its whole process group stopped),
// ended by a signal, or aborted, each distinct from an exit.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { LocalTarget } from '../../../src/core/target/local';
import type { CommandOutcome, Target } from '../../../src/core/target/target';
import { generateKeyPair, sshdUnavailableReason, startSshd, type TestSshd } from '../../support/sshd';
import { tempDir } from '../../support/vault';
import { skipUnless, sshTempDir, trustedTarget } from '../ssh/support';

/** Whether a process whose command line contains `marker` runs on this machine (the sshd's too). */
function running(marker: string): boolean {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .some((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
      } catch {
        return false;
      }
    });
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`still waiting after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function checkOutcomes(name: string, open: () => Promise<{ target: Target; close(): Promise<void> }>, unavailable = (): string | undefined => undefined): void {
  describe(`the outcome of a command: ${name}`, function () {
    this.timeout(60_000);
    let dir: string;
    let target: Target;
    let close: () => Promise<void>;

    before(async function () {
      skipUnless(this, unavailable());
      dir = await tempDir('command-outcome-');
      ({ target, close } = await open());
    });
    after(async () => {
      await close?.();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    const outcome = async (command: string, args: string[], options = {}): Promise<CommandOutcome> => (await target.run(command, args, options)).outcome;

    it('an exit, with its code', async () => {
      assert.deepEqual(await outcome('sh', ['-c', 'exit 3']), { kind: 'exited', code: 3 });
      assert.deepEqual(await outcome('true', []), { kind: 'exited', code: 0 });
    });

    it('a program that is not there is not found; one that cannot run is not started', async () => {
      assert.deepEqual(await outcome(`no-such-program-${process.pid}`, []), { kind: 'notFound' });
      const notExecutable = path.join(dir, 'not-executable');
      await fs.writeFile(notExecutable, '#!/bin/sh\necho hi\n', { mode: 0o644 });
      assert.deepEqual(await outcome(notExecutable, []), { kind: 'notStarted', errno: 'EACCES' });
    });

    it('a slow program is timed out, not found missing, and everything it started is stopped', async () => {
      const marker = `${40 + (process.pid % 1000) / 1000}`;
      // A script whose child would hold the output open: the answer must not wait for the child.
      const slow = path.join(dir, 'slow');
      await fs.writeFile(slow, `#!/bin/sh\nsleep ${marker}\necho late\n`, { mode: 0o755 });
      const started = Date.now();
      const result = await target.run(slow, [], { timeoutMs: 500 });
      assert.deepEqual(result, { code: null, outcome: { kind: 'timedOut', afterMs: 500 }, stdout: '', stderr: '' });
      assert.ok(Date.now() - started < 8_000, `answered after ${Date.now() - started} ms`);
      await until(() => !running(`sleep ${marker}`), 'the script\'s sleep to be stopped');
    });

    it('a program ended by a signal it did not get from the target says which', async () => {
      assert.deepEqual(await outcome('sh', ['-c', 'kill -KILL $$']), { kind: 'signal', signal: 'SIGKILL' });
    });

    it('an aborted command is aborted, and stopped', async () => {
      const marker = `${41 + (process.pid % 1000) / 1000}`;
      const controller = new AbortController();
      const result = target.run('sh', ['-c', `sleep ${marker}`], { signal: controller.signal });
      await until(() => running(`sleep ${marker}`), 'the command to start');
      controller.abort();
      assert.deepEqual((await result).outcome, { kind: 'aborted' });
      await until(() => !running(`sleep ${marker}`), 'the aborted command to be stopped');
      assert.deepEqual(await outcome('true', [], { signal: AbortSignal.abort() }), { kind: 'aborted' });
    });
  });
}

checkOutcomes('local', async () => ({ target: new LocalTarget(), close: async () => undefined }));

checkOutcomes('over SSH', async () => {
  const dir = await sshTempDir();
  const key = await generateKeyPair(dir, 'id_user');
  let sshd: TestSshd | undefined;
  try {
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    const target = await trustedTarget(sshd, key, dir);
    return {
      target,
      close: async () => {
        await target.close();
        await sshd!.close();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await sshd?.close();
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}, sshdUnavailableReason);

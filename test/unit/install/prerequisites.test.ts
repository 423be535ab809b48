import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { checkPrerequisites, missingPrerequisitesError } from '../../../src/core/install';
import { LocalTarget } from '../../../src/core/target/local';
import type { CommandOutcome, Target } from '../../../src/core/target/target';
import { generateKeyPair, sshdUnavailableReason, startSshd } from '../../support/sshd';
import { tempDir } from '../../support/vault';
import { overriding } from '../../support/targets';
import { skipUnless, trustedTarget } from '../ssh/support';

const local = new LocalTarget();

/** The local target, with commands looked up on `PATH=folder` only. */
function withPath(folder: string): Target {
  return overriding(local, { run: (command, args, options = {}) => local.run(command, args, { ...options, env: { ...options.env, PATH: folder } }) });
}

describe('install prerequisites', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('install-prereq-');
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('finds the node on this machine and reports the platform', async () => {
    const onPath = execFileSync('node', ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
    const report = await checkPrerequisites(local);
    assert.deepEqual(report, {
      ok: true,
      platform: process.platform,
      arch: process.arch,
      checks: [{ name: 'node', required: '>=18', found: onPath, ok: true }],
    });
  });

  it('reports node missing, and how to get it, when it is not on the PATH', async () => {
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty);
    const report = await checkPrerequisites(withPath(empty));
    assert.equal(report.ok, false);
    const [node] = report.checks;
    assert.equal(node!.found, undefined);
    assert.equal(node!.ok, false);
    assert.match(node!.howToGet!, /Node\.js 18 or later/);
    assert.match(node!.howToGet!, /apt-get install nodejs/);
  });

  it('reports a node that is too old with the version it found', async () => {
    const old = path.join(dir, 'old');
    await fs.mkdir(old);
    await fs.writeFile(path.join(old, 'node'), '#!/bin/sh\necho v16.20.2\n', { mode: 0o755 });
    const report = await checkPrerequisites(withPath(old));
    assert.equal(report.ok, false);
    assert.deepEqual({ ...report.checks[0], howToGet: undefined }, { name: 'node', required: '>=18', found: '16.20.2', ok: false, howToGet: undefined });
    assert.ok(report.checks[0]!.howToGet);
  });

  it('stops when cancelled', async () => {
    await assert.rejects(checkPrerequisites(local, { signal: AbortSignal.abort() }), CancelledError);
  });

  it('names what happened to a node that is there but gave no version, instead of "not found"', async () => {
    const crashing = path.join(dir, 'crashing');
    await fs.mkdir(crashing);
    await fs.writeFile(path.join(crashing, 'node'), '#!/bin/sh\nkill -KILL $$\n', { mode: 0o755 });
    const report = await checkPrerequisites(withPath(crashing));
    assert.deepEqual({ ...report.checks[0], howToGet: undefined }, { name: 'node', required: '>=18', failure: 'ended by SIGKILL', ok: false, howToGet: undefined });
    assert.match(missingPrerequisitesError(local, report)!.message, /node >=18 \(ended by SIGKILL\)/);
  });
});

/**
 * A slow answer is not a missing program, on this machine and over a real sshd: the probe is asked
 * once more with twice the wait, and a server that answers neither is refused as not answering.
 * The `node` on the probe's PATH is a stand-in that sleeps `STAND_IN_SLEEP` seconds, then answers;
 * the first wait is 2 s where it sleeps through both, 8 s where it should answer the second time,
 * and the 15 s in use where it is not there at all.
 */
function checkSlowProbes(name: string, open: (dir: string) => Promise<{ target: Target; close(): Promise<void> }>, unavailable = (): string | undefined => undefined): void {
  describe(`install prerequisites on a slow server: ${name}`, function () {
    this.timeout(60_000);
    let dir: string;
    let target: Target;
    let close: () => Promise<void>;
    let standIn: string;

    /** The target with `node` looked up in `folder` only, each call sleeping as long as `sleeps` says; the calls, as they went. */
    function probing(folder: string, sleeps: (call: number) => number) {
      const calls: Array<{ timeoutMs?: number; outcome: CommandOutcome }> = [];
      const probed = overriding(target, {
        // The facts an SSH target read at connect saw the real node on the account's PATH; here
        // PATH is the stand-in's for the probe alone, so the facts must not answer for it.
        facts: async (signal) => {
          const { nodeVersion: _, ...facts } = await target.facts(signal);
          return facts;
        },
        run: async (command, args, options = {}) => {
          const env = { ...options.env, PATH: folder, STAND_IN_SLEEP: String(sleeps(calls.length)) };
          const result = await target.run(command, args, { ...options, env });
          calls.push({ timeoutMs: options.timeoutMs, outcome: result.outcome });
          return result;
        },
      });
      return { probed, calls };
    }

    before(async function () {
      skipUnless(this, unavailable());
      dir = await tempDir('install-prereq-slow-');
      ({ target, close } = await open(dir));
      standIn = path.join(dir, 'stand-in');
      await fs.mkdir(standIn);
      // PATH holds only the stand-in: its own tools come from the system folders.
      await fs.writeFile(path.join(standIn, 'node'), '#!/bin/sh\n/bin/sleep "$STAND_IN_SLEEP"\necho v20.11.1\n', { mode: 0o755 });
    });
    after(async () => {
      await close?.();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('a node that never answers in time is reported as not answering (AgentPrerequisiteTimeout), never as missing', async () => {
      const { probed, calls } = probing(standIn, () => 30);
      const started = Date.now();
      const err = await checkPrerequisites(probed, { probeTimeoutMs: 2_000 }).then(
        () => assert.fail('a node that does not answer passed the check'),
        (e: unknown) => e,
      );
      assert.ok(isSetupError(err, 'AgentPrerequisiteTimeout'), inspect(err));
      assert.deepEqual(calls, [
        { timeoutMs: 2_000, outcome: { kind: 'timedOut', afterMs: 2_000 } },
        { timeoutMs: 4_000, outcome: { kind: 'timedOut', afterMs: 4_000 } },
      ]);
      // Each wait ends the stand-in's 30 s sleep: the two calls take about 6 s, not a minute.
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
      assert.deepEqual({ ...err.params, target: undefined }, { target: undefined, command: 'node --version', waitedSeconds: '4', action: 'retryLater' });
      assert.match(err.message, /did not answer `node --version` within 4 s \(nor within 2 s before\)/);
      assert.doesNotMatch(err.message, /not found|not installed|missing/);
    });

    it('a node slow only the first time is found on the second, longer wait', async () => {
      const { probed, calls } = probing(standIn, (call) => (call === 0 ? 30 : 0));
      const report = await checkPrerequisites(probed, { probeTimeoutMs: 8_000 });
      assert.deepEqual(report.checks, [{ name: 'node', required: '>=18', found: '20.11.1', ok: true }]);
      assert.deepEqual(calls.map((c) => c.outcome.kind), ['timedOut', 'exited']);
    });

    it('a node that is not there is still "not found", asked once', async () => {
      const empty = path.join(dir, 'empty');
      await fs.mkdir(empty, { recursive: true });
      const { probed, calls } = probing(empty, () => 0);
      const report = await checkPrerequisites(probed);
      assert.deepEqual(calls, [{ timeoutMs: 15_000, outcome: { kind: 'notFound' } }]);
      assert.deepEqual({ ...report.checks[0], howToGet: undefined }, { name: 'node', required: '>=18', ok: false, howToGet: undefined });
      assert.match(missingPrerequisitesError(target, report)!.message, /node >=18 \(not found\)/);
    });
  });
}

checkSlowProbes('local', async () => ({ target: local, close: async () => undefined }));

describe('install prerequisites over SSH: the node version read with the host facts at connect', function () {
  this.timeout(60_000);
  it('is the answer, with no command of its own; without it, node is asked', async function () {
    skipUnless(this, sshdUnavailableReason());
    const dir = await tempDir('install-prereq-facts-');
    const key = await generateKeyPair(dir, 'id_user');
    const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    try {
      const target = await trustedTarget(sshd, key, dir);
      try {
        const node = execFileSync('node', ['--version'], { encoding: 'utf8' }).trim();
        assert.equal((await target.facts()).nodeVersion, node);
        const runs: string[] = [];
        const counted = overriding(target, { run: (command, args, options) => (runs.push(command), target.run(command, args, options)) });
        const report = await checkPrerequisites(counted);
        assert.deepEqual(report.checks, [{ name: 'node', required: '>=18', found: node.replace(/^v/, ''), ok: true }]);
        assert.deepEqual(runs, [], 'no session of its own');
        const withoutFacts = overriding(counted, { facts: async () => ({ ...(await target.facts()), nodeVersion: undefined }) });
        assert.equal((await checkPrerequisites(withoutFacts)).checks[0]!.found, node.replace(/^v/, ''));
        assert.deepEqual(runs, ['node']);
      } finally {
        await target.close();
      }
    } finally {
      await sshd.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

checkSlowProbes(
  'over SSH',
  async (dir) => {
    const key = await generateKeyPair(dir, 'id_user');
    const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    try {
      const target = await trustedTarget(sshd, key, dir);
      return { target, close: async () => (await target.close(), await sshd.close()) };
    } catch (err) {
      await sshd.close();
      throw err;
    }
  },
  sshdUnavailableReason,
);

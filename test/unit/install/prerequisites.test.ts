import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../../../src/core/errors';
import { checkPrerequisites } from '../../../src/core/install';
import { LocalTarget } from '../../../src/core/target/local';
import type { Target } from '../../../src/core/target/target';
import { tempDir } from '../../support/vault';
import { overriding } from '../../support/targets';

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
});

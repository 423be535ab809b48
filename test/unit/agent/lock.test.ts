/**
 * The install's lock on a full disk: refused as the setup's other writes are (TargetWriteFailed,
 * "free disk space"), never a bare ENOSPC, and no empty lock left for the next run to wait on.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withInstallLock } from '../../../src/agent/lock';
import { isSetupError } from '../../../src/core/errors';
import { LocalTarget } from '../../../src/core/target/local';
import { fill, mountTmpfs, mountUnavailableReason, type Mount } from '../cache/tmpfs';

describe("the agent's install lock", () => {
  let mount: Mount | undefined;

  before(async function () {
    const reason = await mountUnavailableReason();
    if (reason) this.skip();
  });
  afterEach(async () => {
    await mount?.unmount();
    mount = undefined;
  });

  it('on a full disk: TargetWriteFailed with "free disk space", no lock left, and the run after freeing space takes it', async () => {
    mount = await mountTmpfs({ sizeBytes: 256 * 1024 });
    const configDir = path.join(mount.dir, 'config');
    await fs.mkdir(configDir);
    const filler = fill(mount.dir);
    let ran = false;
    const err = await withInstallLock(new LocalTarget(), configDir, async () => (ran = true)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, 'TargetWriteFailed'), `a full disk is refused as a write failure: ${String(err)}`);
    assert.equal(err.params.reason, 'ENOSPC');
    assert.equal(err.params.action, 'freeDiskSpace');
    assert.equal(ran, false);
    assert.deepEqual(await fs.readdir(configDir), [], 'the lock it could not write is not left behind');

    await fs.rm(filler);
    assert.equal(await withInstallLock(new LocalTarget(), configDir, async () => 'done', 0), 'done', 'the next run takes the lock at once');
    assert.deepEqual(await fs.readdir(configDir), []);
  });
});

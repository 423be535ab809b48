import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { CancelledError, isSetupError } from '../../../src/core/errors';
import { unpackAgent } from '../../../src/core/install';
import { LocalTarget } from '../../../src/core/target/local';
import { tempDir } from '../../support/vault';
import { agentTarGz, tarGz, type RawEntry } from './tarball';
import { overriding } from '../../support/targets';

const local = new LocalTarget();
const exists = (file: string) => fs.lstat(file).then(() => true, () => false);
const mode = async (file: string) => (await fs.stat(file)).mode & 0o7777;

describe('agent package unpack', () => {
  let dir: string;
  let installFolder: string;
  let agentDir: string;
  /** Where an escaping entry would land: it must never appear. */
  let outside: string;

  beforeEach(async () => {
    dir = await tempDir('install-unpack-');
    installFolder = path.join(dir, 'install');
    agentDir = path.join(installFolder, 'agent');
    outside = path.join(dir, 'evil');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function packageFile(bytes: Buffer, name = 'package.tar.gz'): Promise<string> {
    const file = path.join(dir, name);
    await fs.writeFile(file, bytes);
    return file;
  }

  async function expectRefused(entries: RawEntry[], code: ErrorCode, params: Record<string, unknown> = {}): Promise<void> {
    const file = await packageFile(agentTarGz('1.0.0', entries));
    const err = await unpackAgent({ target: local, packageFile: file, agentDir }).then(
      () => assert.fail('the package should have been refused'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
    for (const [key, value] of Object.entries(params)) assert.equal(err.params[key], value, key);
    assert.equal(await exists(installFolder), false, 'nothing is written for a refused package');
    assert.equal(await exists(outside), false);
    assert.equal(await exists('/etc/backup-agent-test-evil'), false);
  }

  it('installs a good package with its files, folders, in-folder links and normalised modes', async () => {
    const file = await packageFile(
      agentTarGz('1.0.0', [
        { path: 'backup-agent/lib/', type: 'Directory', mode: 0o777 },
        { path: 'backup-agent/lib/util.js', data: 'module.exports = 1;\n', mode: 0o666 },
        { path: 'backup-agent/bin/run.sh', data: '#!/bin/sh\n', mode: 0o4775 },
        { path: 'backup-agent/lib/current', type: 'SymbolicLink', linkpath: '../main.js' },
        { path: 'backup-agent/./README.md', data: '# agent\n', mode: 0o600 },
      ]),
    );
    const progress: number[] = [];
    const result = await unpackAgent({ target: local, packageFile: file, agentDir, onProgress: (p) => progress.push(p.entriesDone / p.entriesTotal) });

    assert.deepEqual(result, { version: '1.0.0', agentDir });
    assert.deepEqual((await fs.readdir(agentDir)).sort(), ['README.md', 'bin', 'lib', 'main.js', 'package.json']);
    assert.equal(await mode(path.join(agentDir, 'main.js')), 0o755);
    assert.equal(await mode(path.join(agentDir, 'package.json')), 0o644);
    assert.equal(await mode(path.join(agentDir, 'lib', 'util.js')), 0o644, 'group and world write dropped');
    assert.equal(await mode(path.join(agentDir, 'bin', 'run.sh')), 0o755, 'setuid dropped');
    assert.equal(await mode(path.join(agentDir, 'README.md')), 0o644);
    assert.equal(await fs.readFile(path.join(agentDir, 'lib', 'util.js'), 'utf8'), 'module.exports = 1;\n');
    assert.equal(await fs.readlink(path.join(agentDir, 'lib', 'current')), '../main.js');
    assert.deepEqual(await fs.readdir(installFolder), ['agent'], 'no staging folder is left');
    assert.equal(progress.at(-1), 1);
  });

  it('replaces an installed agent whole, and clears what an interrupted install left', async () => {
    await unpackAgent({ target: local, packageFile: await packageFile(agentTarGz('1.0.0', [{ path: 'backup-agent/old.js', data: 'old' }]), 'v1.tar.gz'), agentDir });
    await fs.mkdir(path.join(installFolder, 'agent.staging-deadbeef'));
    await fs.mkdir(path.join(installFolder, 'agent.previous-deadbeef'));
    await fs.mkdir(path.join(installFolder, 'config'));

    const result = await unpackAgent({ target: local, packageFile: await packageFile(agentTarGz('1.1.0'), 'v2.tar.gz'), agentDir });
    assert.equal(result.version, '1.1.0');
    assert.equal(await exists(path.join(agentDir, 'old.js')), false, 'nothing of the previous agent survives');
    assert.deepEqual((await fs.readdir(installFolder)).sort(), ['agent', 'config'], 'only leftovers of installs are removed');
  });

  describe('refuses', () => {
    it('a `..` entry that would land beside the install folder', () => expectRefused([{ path: '../evil', data: 'x' }], 'AgentPackageUnsafePath', { reason: 'parent-reference' }));

    it('`..` inside the root folder', () => expectRefused([{ path: 'backup-agent/../../evil', data: 'x' }], 'AgentPackageUnsafePath', { reason: 'parent-reference' }));

    it('an absolute path', () => expectRefused([{ path: '/etc/backup-agent-test-evil', data: 'x' }], 'AgentPackageUnsafePath', { reason: 'absolute' }));

    it('an entry outside the root folder', () => expectRefused([{ path: 'other/file.js', data: 'x' }], 'AgentPackageUnsafePath', { reason: 'outside-root' }));

    it('a Windows path separator', () => expectRefused([{ path: 'backup-agent/..\\..\\evil', data: 'x' }], 'AgentPackageUnsafePath', { reason: 'invalid-character' }));

    it('the same path twice', () =>
      expectRefused([{ path: 'backup-agent/main.js', type: 'SymbolicLink', linkpath: 'package.json' }], 'AgentPackageUnsafePath', { reason: 'duplicate' }));

    it('a symlink to /etc', () =>
      expectRefused([{ path: 'backup-agent/etc', type: 'SymbolicLink', linkpath: '/etc' }], 'AgentPackageUnsafeLink', { reason: 'absolute-target' }));

    it('a relative symlink climbing out of the folder', () =>
      expectRefused([{ path: 'backup-agent/lib/up', type: 'SymbolicLink', linkpath: '../../evil' }], 'AgentPackageUnsafeLink', { reason: 'escapes' }));

    it('a chain of links that escapes although each target looks inside', () =>
      // sub/l2 -> ../x stays inside; sub/l2/../.. reads as "." but, through l2, is the folder's parent.
      expectRefused(
        [
          { path: 'backup-agent/sub/', type: 'Directory' },
          { path: 'backup-agent/sub/l2', type: 'SymbolicLink', linkpath: '../x' },
          { path: 'backup-agent/l1', type: 'SymbolicLink', linkpath: 'sub/l2/../..' },
        ],
        'AgentPackageUnsafeLink',
        { entry: 'backup-agent/l1', reason: 'escapes' },
      ));

    it('links that loop', () =>
      expectRefused(
        [
          { path: 'backup-agent/a', type: 'SymbolicLink', linkpath: 'b' },
          { path: 'backup-agent/b', type: 'SymbolicLink', linkpath: 'a' },
        ],
        'AgentPackageUnsafeLink',
        { reason: 'loop' },
      ));

    it('a file written through a link', () =>
      expectRefused(
        [
          { path: 'backup-agent/sub/', type: 'Directory' },
          { path: 'backup-agent/link', type: 'SymbolicLink', linkpath: 'sub' },
          { path: 'backup-agent/link/file.js', data: 'x' },
        ],
        'AgentPackageUnsafeLink',
        { reason: 'through-link' },
      ));

    it('a hard link', () => expectRefused([{ path: 'backup-agent/passwd', type: 'Link', linkpath: '/etc/passwd' }], 'AgentPackageHardLink'));

    it('a character device', () => expectRefused([{ path: 'backup-agent/null', type: 'CharacterDevice' }], 'AgentPackageSpecialFile', { entryType: 'CharacterDevice' }));

    it('a block device', () => expectRefused([{ path: 'backup-agent/sda', type: 'BlockDevice' }], 'AgentPackageSpecialFile', { entryType: 'BlockDevice' }));

    it('a FIFO', () => expectRefused([{ path: 'backup-agent/pipe', type: 'FIFO' }], 'AgentPackageSpecialFile', { entryType: 'FIFO' }));

    it('a package without main.js', async () => {
      const file = await packageFile(tarGz([{ path: 'backup-agent/package.json', data: '{"version":"1.0.0"}' }]));
      await assert.rejects(unpackAgent({ target: local, packageFile: file, agentDir }), { code: 'AgentPackageCorrupt' });
      assert.equal(await exists(installFolder), false);
    });

    it('a truncated archive and one that is not an archive', async () => {
      const whole = agentTarGz('1.0.0');
      for (const bytes of [whole.subarray(0, whole.length - 30), Buffer.from('not a tarball at all, just text')]) {
        const file = await packageFile(bytes);
        await assert.rejects(unpackAgent({ target: local, packageFile: file, agentDir }), { code: 'AgentPackageCorrupt' });
      }
      assert.equal(await exists(installFolder), false);
    });
  });

  describe('a failed or cancelled unpack', () => {
    let previous: Map<string, string>;

    beforeEach(async () => {
      await unpackAgent({ target: local, packageFile: await packageFile(agentTarGz('1.0.0'), 'v1.tar.gz'), agentDir });
      previous = await snapshot(agentDir);
    });

    async function snapshot(folder: string): Promise<Map<string, string>> {
      const names = (await fs.readdir(folder)).sort();
      return new Map(await Promise.all(names.map(async (n) => [n, await fs.readFile(path.join(folder, n), 'utf8')] as [string, string])));
    }

    const v2 = () =>
      packageFile(
        agentTarGz('2.0.0', [
          { path: 'backup-agent/a.js', data: 'a' },
          { path: 'backup-agent/b.js', data: 'b' },
        ]),
        'v2.tar.gz',
      );

    it('leaves the previous agent intact when a write fails mid-way', async () => {
      let writes = 0;
      const failing = overriding(local, {
        writeFileAtomic: async (file, data, options) => {
          if (++writes === 3) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
          return local.writeFileAtomic(file, data, options);
        },
      });
      const err = await unpackAgent({ target: failing, packageFile: await v2(), agentDir }).then(
        () => assert.fail('should fail'),
        (e: unknown) => e,
      );
      assert.ok(isSetupError(err, 'AgentUnpackFailed'), inspect(err));
      assert.equal(err.params.errorCode, 'ENOSPC');
      assert.equal(writes, 3);
      assert.deepEqual(await snapshot(agentDir), previous);
      assert.deepEqual(await fs.readdir(installFolder), ['agent'], 'the staging folder is removed');
    });

    it('leaves the previous agent intact when cancelled mid-way', async () => {
      const controller = new AbortController();
      const err = await unpackAgent({
        target: local,
        packageFile: await v2(),
        agentDir,
        signal: controller.signal,
        onProgress: ({ entriesDone }) => {
          if (entriesDone === 1) controller.abort();
        },
      }).then(
        () => assert.fail('should be cancelled'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof CancelledError, inspect(err));
      assert.deepEqual(await snapshot(agentDir), previous);
      assert.deepEqual(await fs.readdir(installFolder), ['agent']);
    });

    it('leaves the previous agent intact when the staged one is rejected before the swap', async () => {
      let staged: string[] = [];
      await assert.rejects(
        unpackAgent({
          target: local,
          packageFile: await v2(),
          agentDir,
          beforeSwap: async (stagingDir, version) => {
            assert.equal(version, '2.0.0');
            staged = (await fs.readdir(stagingDir)).sort();
            throw new Error('does not start');
          },
        }),
        /does not start/,
      );
      assert.deepEqual(staged, ['a.js', 'b.js', 'main.js', 'package.json'], 'the check saw the whole new agent');
      assert.deepEqual(await snapshot(agentDir), previous);
      assert.deepEqual(await fs.readdir(installFolder), ['agent']);
    });

    it('puts the previous agent back when the final rename fails', async () => {
      const failing = overriding(local, {
        rename: async (from, to) => {
          if (path.basename(from).startsWith('agent.staging-')) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
          return local.rename(from, to);
        },
      });
      await assert.rejects(unpackAgent({ target: failing, packageFile: await v2(), agentDir }), { code: 'AgentUnpackFailed' });
      assert.deepEqual(await snapshot(agentDir), previous);
      assert.deepEqual(await fs.readdir(installFolder), ['agent']);
    });
  });
});

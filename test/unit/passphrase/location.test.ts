import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assessPassphraseLocation } from '../../../src/core/passphrase/location';

describe('passphrase file location', () => {
  let root: string;
  const at = (...parts: string[]) => path.join(root, ...parts);

  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'passphrase-location-')));
    for (const dir of ['agent', 'agent/Scratch', 'workspace', 'workspace2', 'repo/.git', 'repo/docs', 'worktree', 'safe']) {
      await fs.mkdir(at(dir), { recursive: true });
    }
    await fs.writeFile(at('worktree', '.git'), 'gitdir: ../repo/.git/worktrees/wt\n');
    await fs.symlink(at('workspace'), at('link-to-workspace'));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  const context = () => ({ installFolder: at('agent'), cacheFolder: at('agent', 'Scratch'), workspaceFolders: [at('workspace')] });
  const codes = async (file: string, extra = {}) => (await assessPassphraseLocation(file, { ...context(), ...extra })).map((w) => w.code);

  it('has nothing to say about a private folder elsewhere', async () => {
    assert.deepEqual(await codes(at('safe', 'passphrase.txt')), []);
  });

  it('warns inside the install folder, and the cache folder within it', async () => {
    assert.deepEqual(await codes(at('agent', 'passphrase.txt')), ['PassphraseFileInInstallFolder']);
    assert.deepEqual(await codes(at('agent', 'Scratch', 'p.txt')), ['PassphraseFileInInstallFolder', 'PassphraseFileInCacheFolder']);
  });

  it('warns inside a workspace folder, even through a symlink, but not in a sibling with a longer name', async () => {
    const warnings = await assessPassphraseLocation(at('workspace', 'sub', 'p.txt'), context());
    assert.deepEqual(warnings, [{ code: 'PassphraseFileInWorkspace', params: { folder: at('workspace') } }]);
    assert.deepEqual(await codes(at('link-to-workspace', 'p.txt')), ['PassphraseFileInWorkspace']);
    assert.deepEqual(await codes(at('workspace2', 'p.txt')), []);
  });

  it('warns inside a git work tree, found by walking up to a .git folder or file', async () => {
    const warnings = await assessPassphraseLocation(at('repo', 'docs', 'deep', 'p.txt'), context());
    assert.deepEqual(warnings, [{ code: 'PassphraseFileInGitWorkTree', params: { folder: at('repo') } }]);
    assert.deepEqual(await codes(at('worktree', 'p.txt')), ['PassphraseFileInGitWorkTree']);
  });

  it('warns when the file would stay on the server being protected', async () => {
    assert.deepEqual(await codes(at('safe', 'p.txt'), { remoteServer: true }), ['PassphraseFileOnProtectedServer']);
  });
});

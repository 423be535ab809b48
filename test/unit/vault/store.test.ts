import assert from 'node:assert/strict';
import fsModule, { promises as fs } from 'node:fs';
import path from 'node:path';
import { Store } from '../../../src/vault/store';
import { tempDir } from '../../support/vault';

describe('vault store (group commit)', () => {
  let dir: string;
  let file: string;
  const realRename = fsModule.promises.rename;
  let renames: number;

  beforeEach(async () => {
    dir = await tempDir('vault-store-');
    file = path.join(dir, 'state.json');
    renames = 0;
    // Count the atomic writes' renames of state.json: one per committed write.
    fsModule.promises.rename = (async (from: fsModule.PathLike, to: fsModule.PathLike) => {
      if (String(to) === file) renames++;
      return realRename(from, to);
    }) as typeof realRename;
  });
  afterEach(async () => {
    fsModule.promises.rename = realRename;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('makes 16 concurrent changes durable in at most two writes', async () => {
    const store = await Store.open(file);
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        store.mutate((s) => {
          s.vaults[`v${i}`] = { identity: { name: `v${i}`, subscriptionId: 's', resourceGroup: 'r', location: 'l', resourceId: '1', tenantId: 't' }, createdAt: new Date().toISOString(), credentials: null, pins: [] };
        }),
      ),
    );
    assert.ok(renames >= 1 && renames <= 2, `${renames} writes`);
    const reread = await Store.open(file);
    assert.equal(Object.keys(reread.state.vaults).length, 16);
  });

  it('acknowledges a change only after it is on disk', async () => {
    const store = await Store.open(file);
    await store.mutate((s) => {
      s.serviceUrl = 'https://127.0.0.1:1';
    });
    assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).serviceUrl, 'https://127.0.0.1:1');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });

  it('writes nothing for a change that throws', async () => {
    const store = await Store.open(file);
    await assert.rejects(
      store.mutate(() => {
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal(renames, 0);
    await assert.rejects(fs.stat(file), { code: 'ENOENT' });
  });

  it('reports a failed write to the changes waiting for it, and the next write carries them', async () => {
    const store = await Store.open(file);
    fsModule.promises.rename = (async () => {
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    }) as typeof realRename;
    await assert.rejects(
      store.mutate((s) => {
        s.serviceUrl = 'https://127.0.0.1:2';
      }),
      /disk full/,
    );
    fsModule.promises.rename = realRename;
    await store.mutate(() => undefined);
    assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).serviceUrl, 'https://127.0.0.1:2');
  });
});

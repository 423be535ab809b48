import assert from 'node:assert/strict';
import fsModule, { promises as fs } from 'node:fs';
import path from 'node:path';
import { VaultCode, VaultError } from '../../../src/vault/errors';
import type { VaultRecord } from '../../../src/vault/model';
import { COMPACT_BYTES, Store } from '../../../src/vault/store';
import { tempDir } from '../../support/vault';

function vaultRecord(name: string, tenantId = 't'): VaultRecord {
  return { identity: { name, subscriptionId: 's', resourceGroup: 'r', location: 'l', resourceId: '1', tenantId }, createdAt: new Date().toISOString(), credentials: null, pins: [] };
}

describe('vault store (journal with group commit)', () => {
  let dir: string;
  let file: string;
  let journal: string;
  const realRename = fsModule.promises.rename;
  const stores: Store[] = [];
  const open = async () => {
    const store = await Store.open(file);
    stores.push(store);
    return store;
  };
  /** An opened store after its first write, which compacts and starts the journal. */
  const started = async () => {
    const store = await open();
    await store.mutate(() => undefined);
    return store;
  };
  const journalLines = async () => (await fs.readFile(journal, 'utf8')).split('\n').filter(Boolean);

  beforeEach(async () => {
    dir = await tempDir('vault-store-');
    file = path.join(dir, 'state.json');
    journal = path.join(dir, 'state.journal');
  });
  afterEach(async () => {
    fsModule.promises.rename = realRename;
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('only reads when opening: the first write compacts', async () => {
    await fs.writeFile(file, JSON.stringify({ formatVersion: 1, serviceUrl: null, vaults: {}, registrations: {} }), { mode: 0o600 });
    await fs.writeFile(journal, 'torn');
    const store = await open();
    assert.equal(await fs.readFile(journal, 'utf8'), 'torn', 'nothing written by opening');
    await store.mutate((s) => void (s.serviceUrl = 'https://127.0.0.1:5'));
    assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).serviceUrl, 'https://127.0.0.1:5');
    assert.equal((await journalLines()).length, 1, 'a new journal: the snapshot it follows');
  });

  it('makes 16 concurrent changes durable in at most two appends', async () => {
    const store = await started();
    await Promise.all(Array.from({ length: 16 }, (_, i) => store.mutate((s) => void (s.vaults[`v${i}`] = vaultRecord(`v${i}`)))));
    const appended = (await journalLines()).length - 1; // the first line names the snapshot
    assert.ok(appended >= 1 && appended <= 2, `${appended} appends`);
    await store.close();
    assert.equal(Object.keys((await open()).state.vaults).length, 16);
  });

  it('acknowledges a change only once it is in the journal, 0600 like the snapshot', async () => {
    const store = await started();
    await store.mutate((s) => void (s.serviceUrl = 'https://127.0.0.1:1'));
    assert.match((await journalLines()).at(-1)!, /"serviceUrl","https:\/\/127\.0\.0\.1:1"/);
    assert.equal((await fs.stat(journal)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    // Read back without closing, as after kill -9.
    const copy = path.join(dir, 'copy');
    await fs.mkdir(copy);
    await fs.copyFile(file, path.join(copy, 'state.json'));
    await fs.copyFile(journal, path.join(copy, 'state.journal'));
    const reread = await Store.open(path.join(copy, 'state.json'));
    stores.push(reread);
    assert.equal(reread.state.serviceUrl, 'https://127.0.0.1:1');
  });

  it('writes only the records a batch changed, and removals', async () => {
    const store = await started();
    await store.mutate((s) => {
      s.vaults.a = vaultRecord('a');
      s.vaults.b = vaultRecord('b');
    });
    await store.mutate((s) => {
      s.vaults.b!.pins.push({ hash: 'h', expiresAt: new Date().toISOString(), usedAt: null });
      delete s.vaults.a;
    });
    const last = (await journalLines()).at(-1)!;
    assert.match(last, /\["vault","b",\{/);
    assert.match(last, /\["vault","a",null\]/);
    await store.close();
    assert.deepEqual(Object.keys((await open()).state.vaults), ['b']);
  });

  it('writes nothing for a change that throws', async () => {
    const store = await started();
    const before = await fs.readFile(journal, 'utf8');
    await assert.rejects(
      store.mutate(() => {
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal(await fs.readFile(journal, 'utf8'), before);
  });

  it('reports a failed append to the changes waiting for it, and the next write carries them', async () => {
    const store = await started();
    const probe = await fs.open(path.join(dir, 'probe'), 'w');
    const handleClass = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const realDatasync = handleClass.datasync;
    handleClass.datasync = async () => {
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    };
    try {
      await assert.rejects(store.mutate((s) => void (s.serviceUrl = 'https://127.0.0.1:2')), /disk full/);
    } finally {
      handleClass.datasync = realDatasync;
    }
    await store.mutate(() => undefined);
    await store.close();
    assert.equal((await open()).state.serviceUrl, 'https://127.0.0.1:2');
  });

  it('drops a torn or damaged last line (an append a crash cut short) and keeps the rest', async () => {
    const store = await started();
    await store.mutate((s) => void (s.vaults.kept = vaultRecord('kept')));
    await store.close();
    await fs.appendFile(journal, '0000abcd [["vault","torn",{"ident');
    assert.deepEqual(Object.keys((await open()).state.vaults), ['kept']);
    await stores.pop()!.close();

    await fs.appendFile(journal, '0000abcd [["vault","damaged",null]]\n');
    assert.deepEqual(Object.keys((await open()).state.vaults), ['kept']);
  });

  it('refuses a damaged line followed by sound ones: acknowledged changes would be lost', async () => {
    const store = await started();
    await store.mutate((s) => void (s.vaults.a = vaultRecord('a')));
    await store.mutate((s) => void (s.vaults.b = vaultRecord('b')));
    await store.close();
    const lines = await journalLines();
    lines[1] = lines[1]!.replace('"a"', '"x"');
    await fs.writeFile(journal, `${lines.join('\n')}\n`);
    await assert.rejects(Store.open(file), (err: unknown) => {
      assert.ok(err instanceof VaultError && err.code === VaultCode.DataCorrupt);
      assert.match(err.message, /state\.journal.*line 2/);
      return true;
    });
  });

  it('appends only the records a batch wrote to, a write deep inside a record included', async () => {
    const store = await started();
    await store.mutate((s) => {
      for (const name of ['a', 'b', 'c']) s.vaults[name] = vaultRecord(name);
    });
    await store.mutate((s) => void s.vaults.b!.pins.push({ hash: 'h', expiresAt: new Date().toISOString(), usedAt: null }));
    await store.mutate((s) => {
      const b = s.vaults.b!;
      b.pins = b.pins.filter(() => true); // the pins read back through the proxies, stored without them
      b.pins[0]!.usedAt = new Date(0).toISOString();
    });
    await store.mutate((s) => void delete s.vaults.c);
    await store.mutate((s) => Object.values(s.vaults).map((v) => v.identity.name)); // reads only: nothing to append
    const batches = (await journalLines()).slice(1).map((line) => JSON.parse(line.slice(9)) as unknown[][]);
    assert.deepEqual(batches.map((entries) => entries.map(([kind, key]) => `${kind} ${key}`)), [['vault a', 'vault b', 'vault c'], ['vault b'], ['vault b'], ['vault c']]);
    await store.close();
    const reread = await open();
    assert.deepEqual(Object.keys(reread.state.vaults), ['a', 'b']);
    assert.deepEqual(reread.state.vaults.b!.pins.map((p) => p.usedAt), [new Date(0).toISOString()]);
    assert.deepEqual(reread.state, JSON.parse(JSON.stringify(store.state)), 'what was read back is what was in memory');
  });

  it('writes every record when a mutator replaces a whole collection', async () => {
    const store = await started();
    await store.mutate((s) => void (s.vaults.a = vaultRecord('a')));
    await store.mutate((s) => void (s.vaults = { b: vaultRecord('b') }));
    await store.close();
    assert.deepEqual(Object.keys((await open()).state.vaults), ['b']);
  });

  it('compacts past 1 MiB into a new snapshot and a short journal', async () => {
    const store = await started();
    const big = 'x'.repeat(COMPACT_BYTES / 2);
    for (let i = 0; i < 2; i++) await store.mutate((s) => void (s.vaults[`v${i}`] = vaultRecord(`v${i}`, big)));
    await store.mutate((s) => void (s.serviceUrl = 'https://127.0.0.1:3'));
    assert.ok((await fs.stat(journal)).size < 1024, 'the journal restarted');
    assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).serviceUrl, 'https://127.0.0.1:3');
    await store.close();
    const reread = await open();
    assert.equal(Object.keys(reread.state.vaults).length, 2);
    assert.equal(reread.state.serviceUrl, 'https://127.0.0.1:3');
  });

  for (const stop of ['before the snapshot is replaced', 'between the snapshot and the new journal'] as const) {
    it(`keeps every acknowledged change when a compaction stops ${stop}`, async () => {
      const store = await started();
      const big = 'x'.repeat(COMPACT_BYTES / 2);
      for (let i = 0; i < 2; i++) await store.mutate((s) => void (s.vaults[`v${i}`] = vaultRecord(`v${i}`, big)));
      const target = stop === 'before the snapshot is replaced' ? file : journal;
      fsModule.promises.rename = (async (from: fsModule.PathLike, to: fsModule.PathLike) => {
        if (String(to) === target) throw Object.assign(new Error('killed'), { code: 'EIO' });
        return realRename(from, to);
      }) as typeof realRename;
      await assert.rejects(store.mutate((s) => void (s.serviceUrl = 'https://127.0.0.1:4')), /killed/);
      fsModule.promises.rename = realRename;
      const reread = await open();
      assert.deepEqual(Object.keys(reread.state.vaults), ['v0', 'v1']);
      // Not acknowledged: either outcome is correct, as long as the state is whole.
      assert.ok([null, 'https://127.0.0.1:4'].includes(reread.state.serviceUrl));
    });
  }
});

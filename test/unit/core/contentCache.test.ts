import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ContentCache } from '../../../src/core/contentCache';

/** A full garbage collection, once the current job (which keeps WeakRef targets alive) has ended. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((r) => setImmediate(r));
  gc();
  await new Promise((r) => setImmediate(r));
}

describe('ContentCache', () => {
  it('decodes the same bytes once, and other bytes apart', () => {
    const cache = new ContentCache<{ text: string }>();
    let decodes = 0;
    const decode = (bytes: Uint8Array) => (decodes++, { text: Buffer.from(bytes).toString() });
    const first = cache.get(Buffer.from('a'), decode);
    assert.equal(cache.get(Buffer.from('a'), decode), first);
    assert.equal(cache.get(Buffer.from('b'), decode).text, 'b');
    assert.equal(decodes, 2);
  });

  it('keeps no failure: a decode that throws, or a promise that rejects, runs again for the next reader', async () => {
    const cache = new ContentCache<Promise<string>>();
    let calls = 0;
    assert.throws(() => new ContentCache<object>().get(Buffer.from('x'), () => { throw new Error('bad'); }), /bad/);
    await assert.rejects(cache.get(Buffer.from('x'), async () => { calls++; throw new Error('bad'); }), /bad/);
    await new Promise((r) => setImmediate(r));
    assert.equal(await cache.get(Buffer.from('x'), async () => (calls++, 'good')), 'good');
    assert.equal(calls, 2);
  });

  it('decodes again once no reader holds the value, unless holdMs keeps it that long after its last use', async () => {
    let decodes = 0;
    const decode = (bytes: Uint8Array) => (decodes++, { text: Buffer.from(bytes).toString() });
    const weak = new ContentCache<{ text: string }>();
    weak.get(Buffer.from('a'), decode);
    await collectGarbage();
    weak.get(Buffer.from('a'), decode);
    assert.equal(decodes, 2, 'held weakly only: collected between two uses');

    decodes = 0;
    const held = new ContentCache<{ text: string }>({ holdMs: 200 });
    held.get(Buffer.from('a'), decode);
    await collectGarbage();
    held.get(Buffer.from('a'), decode);
    assert.equal(decodes, 1, 'held for holdMs after its use');
    await new Promise((r) => setTimeout(r, 250));
    await collectGarbage();
    held.get(Buffer.from('a'), decode);
    assert.equal(decodes, 2, 'let go holdMs after its last use');
  });
});

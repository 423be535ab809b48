import assert from 'node:assert/strict';
import { ContentCache } from '../../../src/core/contentCache';

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
});

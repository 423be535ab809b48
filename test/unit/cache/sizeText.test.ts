import assert from 'node:assert/strict';
import { GIB, parseSize } from '../../../src/core/cache/sizeText';

describe('parseSize', () => {
  it('reads bytes, and numbers with a binary unit as df -h writes them', () => {
    assert.equal(parseSize('1000000'), 1_000_000);
    assert.equal(parseSize('0'), 0);
    assert.equal(parseSize('512B'), 512);
    assert.equal(parseSize('4K'), 4096);
    assert.equal(parseSize('500GB'), 500 * GIB);
    assert.equal(parseSize('500 gb'), 500 * GIB);
    assert.equal(parseSize('200GiB'), 200 * GIB);
    assert.equal(parseSize('20G'), 20 * GIB);
    assert.equal(parseSize('1.5TB'), 1.5 * 1024 * GIB);
    assert.equal(parseSize('0.1KB'), 103, 'rounded up to whole bytes');
    assert.equal(parseSize(' 3MiB '), 3 * 1024 ** 2);
  });

  it('takes anything else for no size (a folder, a typo, a fraction of a byte, too large a number)', () => {
    for (const text of ['', '/srv/data', './500GB', 'data', 'GB', '1.5', '1.5B', '-5', '5 XB', '5GBs', '1e9', '10 000', '99999999999999999999PB']) {
      assert.equal(parseSize(text), undefined, text);
    }
  });
});

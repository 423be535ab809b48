import assert from 'node:assert/strict';
import { Int64, armJson } from '../../../src/vault/arm/json';

describe('ARM JSON (raw int64 numbers)', () => {
  it('writes an Int64 as its exact digits, beyond 2^53, anywhere in the value', () => {
    const text = armJson({ resourceId: new Int64('4547893418129453329'), list: [{ id: new Int64('-9007199254740993') }], n: 1 }).text;
    assert.equal(text, '{"resourceId":4547893418129453329,"list":[{"id":-9007199254740993}],"n":1}');
    assert.notEqual(JSON.parse(text).resourceId.toString(), '4547893418129453329', 'JSON.parse rounds it: why it must be read from the text');
  });

  it('leaves strings alone, even ones shaped like its marker', () => {
    const hostile = 'int64:00000000-0000-0000-0000-000000000000:5';
    assert.deepEqual(JSON.parse(armJson({ name: hostile, nul: '\u0000int64:5' }).text), { name: hostile, nul: '\u0000int64:5' });
  });

  it('refuses what is not an integer', () => {
    assert.throws(() => new Int64('1e3'), TypeError);
  });
});

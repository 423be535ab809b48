import assert from 'node:assert/strict';
import { isSetupError } from '../../../src/core/errors';
import { generatePassphrase } from '../../../src/core/passphrase/generate';
import { validatePassphrase } from '../../../src/core/passphrase/validate';

describe('passphrase generation', () => {
  it('is 32 printable ASCII characters (0x21-0x7E) by default, any length from 16', () => {
    assert.match(generatePassphrase(), /^[\x21-\x7e]{32}$/);
    assert.match(generatePassphrase(16), /^[\x21-\x7e]{16}$/);
    assert.match(generatePassphrase(200), /^[\x21-\x7e]{200}$/);
  });

  it('refuses lengths under the agent minimum of 16', () => {
    assert.throws(() => generatePassphrase(15), (err: unknown) => isSetupError(err, 'PassphraseTooShort') && err.params.min === 16);
    assert.throws(() => generatePassphrase(20.5), RangeError);
  });

  it('draws every symbol about equally often (chi-square over the 94 symbols)', () => {
    const counts = new Array<number>(94).fill(0);
    const samples = 94 * 500;
    for (let drawn = 0; drawn < samples; drawn += 1000) {
      for (const c of generatePassphrase(1000)) counts[c.charCodeAt(0) - 0x21]!++;
    }
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = total / 94;
    const chiSquare = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 93 degrees of freedom: mean 93, and 150 is beyond the 0.99999 quantile.
    assert.ok(chiSquare < 150, `chi-square ${chiSquare.toFixed(1)}`);
    assert.ok(counts.every((n) => n > 0));
  });

  it('never repeats itself, and always passes validation as strong', () => {
    const drawn = Array.from({ length: 200 }, () => generatePassphrase());
    assert.equal(new Set(drawn).size, drawn.length);
    for (const p of drawn) {
      const result = validatePassphrase(p);
      assert.ok(result.ok && !result.weak, `${result.strengthBits} bits`);
    }
  });
});

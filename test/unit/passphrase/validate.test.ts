import assert from 'node:assert/strict';
import { WEAK_BELOW_BITS, estimateStrengthBits, validatePassphrase } from '../../../src/core/passphrase/validate';

describe('passphrase validation', () => {
  it('accepts 16 or more ASCII characters, spaces included', () => {
    const result = validatePassphrase('blue Tiger 9 lamp #river');
    assert.deepEqual(result.errors, []);
    assert.ok(result.ok);
  });

  it('names each broken rule', () => {
    assert.deepEqual(validatePassphrase('Short#1x').errors, ['PassphraseTooShort']);
    assert.deepEqual(validatePassphrase('Grüße aus Köln, 2025!').errors, ['PassphraseNotAscii']);
    assert.deepEqual(validatePassphrase('tab\tseparated words here').errors, ['PassphraseControlCharacters']);
    assert.deepEqual(validatePassphrase('del\u007f chars in the middle').errors, ['PassphraseControlCharacters']);
    assert.deepEqual(validatePassphrase('ä\n').errors, ['PassphraseTooShort', 'PassphraseNotAscii', 'PassphraseControlCharacters']);
    assert.equal(validatePassphrase('ä\n').ok, false);
  });

  it('counts characters, not UTF-16 units', () => {
    assert.ok(validatePassphrase('😀'.repeat(8)).errors.includes('PassphraseTooShort'));
  });

  it('warns (without refusing) when the estimate is under the threshold', () => {
    for (const weak of ['aaaaaaaaaaaaaaaa', 'Password1234567890', 'P@ssw0rdP@ssw0rd!', 'Summer2024!Summer2024!', 'abcdefghijklmnopqrstuvwxyz']) {
      const result = validatePassphrase(weak);
      assert.ok(result.ok, weak);
      assert.ok(result.weak && result.strengthBits < WEAK_BELOW_BITS, `${weak}: ${result.strengthBits} bits`);
      assert.equal(result.warning, 'PassphraseWeak');
    }
    const strong = validatePassphrase('k9#Lm2$vQ8@wE4^z');
    assert.equal(strong.weak, false);
    assert.equal(strong.warning, undefined);
  });

  it('discounts dictionary words, leetspeak included, against random characters of the same length', () => {
    const tail = 'x7#Qm2!v';
    assert.ok(estimateStrengthBits(`password${tail}`) < estimateStrengthBits(`Kq9@zT4w${tail}`) - 30);
    // The tail already has every character class, so only the word's spelling differs.
    assert.equal(estimateStrengthBits(`P@ssw0rd${tail}`), estimateStrengthBits(`password${tail}`));
  });

  it('grows with length and with character variety', () => {
    assert.ok(estimateStrengthBits('k9#Lm2$vQ8@wE4^zT') > estimateStrengthBits('k9#Lm2$vQ8@wE4^z'));
    assert.ok(estimateStrengthBits('kqwmzvjtnrbxplsd') < estimateStrengthBits('kQ9m#vJt2rB!pL4d'));
  });
});

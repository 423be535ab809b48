import assert from 'node:assert/strict';
import { patternListMatches, wildcardMatch } from '../../../src/core/target/ssh/patterns';

describe('ssh host patterns', () => {
  it('matches `*` as any run and `?` as one character, case-insensitively and whole', () => {
    assert.ok(wildcardMatch('*.example', 'web.EXAMPLE'));
    assert.ok(wildcardMatch('*', ''));
    assert.ok(wildcardMatch('w?b-*-*', 'web-1-'));
    assert.ok(wildcardMatch('a*b*c', 'axxbyybc'));
    assert.ok(!wildcardMatch('a*b*c', 'axxbyybcd'));
    assert.ok(!wildcardMatch('?', ''));
    assert.ok(!wildcardMatch('web', 'web1'));
    assert.ok(!wildcardMatch('web.example', 'webxexample'), 'a dot is a dot');
    assert.ok(!wildcardMatch('[a]', 'a'), 'brackets are plain characters');
    assert.ok(patternListMatches(['*.lab', '!secret.lab'], 'a.lab'));
    assert.ok(!patternListMatches(['*.lab', '!secret.lab'], 'secret.lab'));
  });

  // Both found by `npm run fuzz` (targets ssh-config, known-hosts): the patterns were RegExps.
  it('answers a pattern of many stars at once (it backtracked for minutes)', () => {
    assert.equal(wildcardMatch(`${'*a'.repeat(40)}b`, 'a'.repeat(200)), false);
    assert.equal(wildcardMatch(`${'*a'.repeat(40)}*`, 'a'.repeat(200)), true);
  });

  it('takes a pattern of any length (a long one was too large for a RegExp)', () => {
    assert.equal(wildcardMatch('web-2e'.repeat(100_000), 'web-2'), false);
    assert.equal(wildcardMatch('m'.repeat(1_000_000), 'm'.repeat(1_000_000)), true);
  });
});

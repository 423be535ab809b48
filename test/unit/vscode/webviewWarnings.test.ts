// The setup page's protocol carries only the core's warning codes, both ways: a page cannot accept,
// and the host cannot show, a warning the core never gives.
import assert from 'node:assert/strict';
import { SetupWarningCode } from '../../../src/core/service';
import { fromWebviewSchema, RESULTS } from '../../../src/webview/protocol';

describe('setup page protocol: warning codes', () => {
  const register = (accept: string[]) => fromWebviewSchema.safeParse({ kind: 'request', id: 1, method: 'register', params: { accept } });
  const confirm = (code: string) => RESULTS['passphrase/save'].safeParse({ cancelled: false, confirm: { file: '/home/a/p.txt', warnings: [{ code, text: 'x' }] } });

  it('accepts every code of the core', () => {
    const codes = Object.values(SetupWarningCode);
    assert.ok(codes.length > 5);
    assert.equal(register(codes).success, true);
    for (const code of codes) assert.equal(confirm(code).success, true, code);
  });

  it('refuses a code the core never gives, inbound and outbound', () => {
    for (const code of ['PassphraseMismatch', 'passphraseweak', '', 'x'.repeat(100)]) {
      assert.equal(register([code]).success, false, code);
      assert.equal(confirm(code).success, false, code);
    }
  });
});

import assert from 'node:assert/strict';
import { sharedSecureContext } from '../../../src/core/http/tlsContext';
import { createTestCa } from '../../support/tls';

describe('sharedSecureContext', () => {
  it('one context per CA set, never one holding a client key, none for the system store', () => {
    const a = createTestCa('CA a');
    const b = createTestCa('CA b');
    const client = a.issue({ commonName: 'client', usage: 'client' });
    const first = sharedSecureContext({ ca: [a.certPem], rejectUnauthorized: true });
    assert.ok(first);
    assert.equal(sharedSecureContext({ ca: [a.certPem], rejectUnauthorized: false }), first, "verification is the connection's, not the context's");
    assert.notEqual(sharedSecureContext({ ca: [b.certPem], rejectUnauthorized: true }), first);
    assert.notEqual(sharedSecureContext({ ca: [a.certPem, b.certPem], rejectUnauthorized: true }), first);
    assert.equal(sharedSecureContext({ ca: [a.certPem], cert: client.certPem, key: client.keyPem, rejectUnauthorized: true }), undefined);
    assert.equal(sharedSecureContext({ rejectUnauthorized: true }), undefined);
  });
});

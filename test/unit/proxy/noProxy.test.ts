import assert from 'node:assert/strict';
import { findNoProxyMatch, parseNoProxyEntry, splitNoProxyList, type NoProxyEntry } from '../../../src/core/proxy/noProxy';

function entries(...raw: string[]): NoProxyEntry[] {
  return raw.map((r) => {
    const entry = parseNoProxyEntry(r);
    assert.ok(entry, `"${r}" should parse`);
    return entry;
  });
}

function bypassed(target: string, ...raw: string[]): string | undefined {
  return findNoProxyMatch(new URL(target), entries(...raw))?.text;
}

describe('no-proxy list', () => {
  it('splits an environment list on commas and white space', () => {
    assert.deepEqual(splitNoProxyList(' localhost, .corp.example  10.0.0.0/8,,'), ['localhost', '.corp.example', '10.0.0.0/8']);
  });

  it('matches a host name itself and its subdomains, not look-alikes', () => {
    assert.equal(bypassed('https://vault.corp.example/', 'corp.example'), 'corp.example');
    assert.equal(bypassed('https://corp.example/', 'corp.example'), 'corp.example');
    assert.equal(bypassed('https://notcorp.example/', 'corp.example'), undefined);
  });

  it('treats .suffix and *.suffix like the bare domain', () => {
    assert.equal(bypassed('https://a.b.corp.example/', '.corp.example'), '.corp.example');
    assert.equal(bypassed('https://a.corp.example/', '*.corp.example'), '*.corp.example');
    assert.equal(bypassed('https://other.example/', '.corp.example'), undefined);
  });

  it('matches everything with *', () => {
    assert.equal(bypassed('https://anything.example:8443/', '*'), '*');
  });

  it('matches IP addresses and CIDR ranges, IPv4 and IPv6', () => {
    assert.equal(bypassed('https://10.1.2.3/', '10.0.0.0/8'), '10.0.0.0/8');
    assert.equal(bypassed('https://11.1.2.3/', '10.0.0.0/8'), undefined);
    assert.equal(bypassed('https://127.0.0.1:8443/', '127.0.0.1'), '127.0.0.1');
    assert.equal(bypassed('https://[fd00::5]/', 'fd00::/8'), 'fd00::/8');
    assert.equal(bypassed('https://[::1]:9000/', '[::1]:9000'), '[::1]:9000');
  });

  it('honours a port: only that port goes direct (default ports included)', () => {
    assert.equal(bypassed('https://vault.example:8443/', 'vault.example:8443'), 'vault.example:8443');
    assert.equal(bypassed('https://vault.example:9443/', 'vault.example:8443'), undefined);
    assert.equal(bypassed('https://vault.example/', 'vault.example:443'), 'vault.example:443');
    assert.equal(bypassed('http://vault.example/', 'vault.example:443'), undefined);
  });

  it('does not match a host name entry against an IP target (no DNS lookups)', () => {
    assert.equal(bypassed('https://127.0.0.1/', 'localhost'), undefined);
  });

  it('rejects malformed entries', () => {
    for (const bad of ['', '  ', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/1', 'host:99999', 'bad host', 'http://x', 'a/b']) {
      assert.equal(parseNoProxyEntry(bad), undefined, `"${bad}" should be rejected`);
    }
  });
});

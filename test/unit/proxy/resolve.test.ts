import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { isSetupError } from '../../../src/core/errors';
import { describeProxy, parseProxyUrl, resolveProxy } from '../../../src/core/proxy/resolve';
import { REDACTED, Secret } from '../../../src/core/secret';
import { parseProxySettings, type ProxySettingsInput } from '../../../src/core/proxy/settings';

const PASSWORD = 'pa55:w0rd/secret';
const TARGET = 'https://vault.example:8443/v1/health';

function settings(input: ProxySettingsInput) {
  return parseProxySettings(input);
}

function basicToken(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Every way a value could leak: the password in clear and base64-encoded inside a header. */
function assertNoPassword(text: string, password = PASSWORD): void {
  assert.ok(!text.includes(password), `leaked the password: ${text}`);
  assert.ok(!text.includes(Buffer.from(password).toString('base64').slice(0, 12)), `leaked the encoded password: ${text}`);
}

describe('proxy settings', () => {
  it('applies defaults and wraps the password in a Secret', () => {
    const parsed = settings({ mode: 'settings', host: 'proxy.corp', password: PASSWORD });
    assert.equal(parsed.port, 3128);
    assert.deepEqual(parsed.noProxy, []);
    assert.ok(parsed.password instanceof Secret);
    assert.equal(parsed.password.reveal(), PASSWORD);
  });

  it('never serialises the password', () => {
    const parsed = settings({ mode: 'settings', host: 'proxy.corp', user: 'alice', password: PASSWORD });
    for (const text of [JSON.stringify(parsed), inspect(parsed, { depth: 5 }), String(parsed.password), `${parsed.password}`]) {
      assertNoPassword(text);
    }
    assert.equal(JSON.parse(JSON.stringify(parsed)).password, REDACTED);
  });

  it('requires a host in settings mode and names the field, not the values', () => {
    assert.throws(
      () => settings({ mode: 'settings', password: PASSWORD }),
      (err) => isSetupError(err, 'ProxySettingsInvalid') && /host/.test(err.message) && !err.message.includes(PASSWORD),
    );
  });

  it('rejects a host with a scheme, a bad port and a malformed no-proxy entry', () => {
    assert.throws(() => settings({ mode: 'settings', host: 'http://proxy.corp' }), (err) => isSetupError(err, 'ProxySettingsInvalid'));
    assert.throws(() => settings({ mode: 'settings', host: 'proxy', port: 70000 }), (err) => isSetupError(err, 'ProxySettingsInvalid'));
    assert.throws(
      () => settings({ mode: 'settings', host: 'proxy', noProxy: ['10.0.0.0/99'] }),
      (err) => isSetupError(err, 'ProxySettingsInvalid') && /noProxy\.0/.test(err.message),
    );
  });
});

describe('resolveProxy', () => {
  it('goes direct when the mode is off, whatever the environment says', () => {
    const r = resolveProxy(settings({ mode: 'off' }), TARGET, { env: { HTTPS_PROXY: 'http://env-proxy:1' } });
    assert.equal(r.proxy, undefined);
    assert.equal(r.source, 'off');
  });

  it('settings mode: host, port and basic credentials', () => {
    const r = resolveProxy(settings({ mode: 'settings', host: 'proxy.corp', port: 8080, user: 'alice', password: PASSWORD }), TARGET);
    assert.equal(r.source, 'settings');
    assert.equal(r.proxy?.origin, 'http://proxy.corp:8080');
    assert.equal(r.proxy?.username, 'alice');
    assert.equal(r.proxy?.authorization?.reveal(), basicToken('alice', PASSWORD));
    assert.equal(describeProxy(r.proxy!), 'http://alice@proxy.corp:8080');
    assertNoPassword(JSON.stringify(r));
    assertNoPassword(inspect(r, { depth: 5 }));
  });

  it('settings mode: an IPv6 proxy host is bracketed in the origin', () => {
    const r = resolveProxy(settings({ mode: 'settings', host: '::1', port: 3128 }), TARGET);
    assert.equal(r.proxy?.origin, 'http://[::1]:3128');
    assert.equal(r.proxy?.host, '::1');
  });

  it('settings mode: the no-proxy list sends matching targets direct and says which entry did', () => {
    const s = settings({ mode: 'settings', host: 'proxy.corp', noProxy: ['.example'] });
    const r = resolveProxy(s, TARGET);
    assert.equal(r.proxy, undefined);
    assert.equal(r.bypassedBy, '.example');
    assert.ok(resolveProxy(s, 'https://vault.elsewhere/').proxy);
  });

  it('vscode mode: http.proxy with credentials in the URL, http.noProxy and strictSSL', () => {
    const context = {
      vscodeHttpProxy: `http://bob:${encodeURIComponent(PASSWORD)}@vsproxy.corp:3129`,
      vscodeNoProxy: ['internal.example'],
      strictSSL: false,
    };
    const r = resolveProxy(settings({ mode: 'vscode' }), TARGET, context);
    assert.equal(r.source, 'vscode');
    assert.equal(r.strictSSL, false);
    assert.equal(r.proxy?.origin, 'http://vsproxy.corp:3129');
    assert.equal(r.proxy?.authorization?.reveal(), basicToken('bob', PASSWORD));
    assertNoPassword(JSON.stringify(r));
    const bypass = resolveProxy(settings({ mode: 'vscode' }), 'https://a.internal.example/', context);
    assert.equal(bypass.bypassedBy, 'internal.example');
  });

  it('vscode mode: http.proxyAuthorization is sent as is', () => {
    const r = resolveProxy(settings({ mode: 'vscode' }), TARGET, {
      vscodeHttpProxy: 'vsproxy.corp:3129',
      vscodeProxyAuthorization: 'Negotiate abc',
    });
    assert.equal(r.proxy?.authorization?.reveal(), 'Negotiate abc');
  });

  it('vscode mode with an empty http.proxy falls back to the environment, as VS Code does', () => {
    const r = resolveProxy(settings({ mode: 'vscode' }), TARGET, { vscodeHttpProxy: '', env: { HTTPS_PROXY: 'http://envproxy:3128' } });
    assert.equal(r.source, 'environment');
    assert.equal(r.proxy?.origin, 'http://envproxy:3128');
  });

  it('environment mode: https_proxy for https targets, lower case first, http_proxy as fallback', () => {
    const s = settings({ mode: 'environment' });
    assert.equal(
      resolveProxy(s, TARGET, { env: { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' } }).proxy?.origin,
      'http://lower:1',
    );
    assert.equal(resolveProxy(s, TARGET, { env: { HTTP_PROXY: 'http://plain:3' } }).proxy?.origin, 'http://plain:3');
    assert.equal(
      resolveProxy(s, 'http://vault.example/', { env: { HTTPS_PROXY: 'http://secure:4' } }).proxy,
      undefined,
      'an https proxy variable is not used for http targets',
    );
    assert.equal(resolveProxy(s, TARGET, { env: {} }).proxy, undefined);
  });

  it('environment mode: NO_PROXY (comma or space separated, lower case first)', () => {
    const s = settings({ mode: 'environment' });
    const env = { HTTPS_PROXY: 'http://envproxy:3128', NO_PROXY: 'other.example', no_proxy: 'localhost, .example' };
    assert.equal(resolveProxy(s, TARGET, { env }).bypassedBy, '.example');
    assert.ok(resolveProxy(s, 'https://vault.corp/', { env }).proxy);
  });

  it('refuses non-http proxies and unparsable URLs without echoing them', () => {
    assert.throws(
      () => parseProxyUrl(`socks5://carol:${encodeURIComponent(PASSWORD)}@socks.corp:1080`),
      (err) => isSetupError(err, 'ProxyUrlInvalid') && err.params.scheme === 'socks5:' && !JSON.stringify(err).includes(encodeURIComponent(PASSWORD)),
    );
    assert.throws(
      () => parseProxyUrl(`http://carol:${PASSWORD}@bad host:1`),
      (err) => isSetupError(err, 'ProxyUrlInvalid') && !err.message.includes(PASSWORD),
    );
  });
});

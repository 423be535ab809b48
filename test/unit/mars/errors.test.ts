// MARS error ids (agent facts §2) to the project's codes, each with a next step and a Spanish text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { marsFailure } from '../../../src/core/agents/mars/errors';
import { isErrorCode, nextActionOf } from '../../../src/core/errorCatalogue';
import type { PsError } from '../../../src/core/target/powershell/result';

const es = JSON.parse(readFileSync(path.resolve(__dirname, '../../../l10n/errors.es.json'), 'utf8')) as Record<string, string>;

const error = (id: string, message: string, hresult?: number): PsError => ({ id, message, category: 'InvalidOperation', ...(hresult === undefined ? {} : { hresult }) });

describe('MARS errors', () => {
  const cases: Array<[PsError, string, boolean]> = [
    [error('CBPUserExpiredVaultCredential,Microsoft.Internal.CloudBackup.Commands.StartOBRegistration', 'Vault credentials file provided has expired. Download a new one and use it within 2 days. (ID: 34513)'), 'CBPUserExpiredVaultCredential', false],
    [error('System.Exception,Microsoft.Internal.CloudBackup.Commands.StartOBRegistration', 'Invalid vault credentials provided. (ID: 34513)'), '34513', false],
    [error('100110,Microsoft.Internal.CloudBackup.Commands.StartOBRegistration', 'The vault credentials file is from another vault.'), '100110', false],
    [error('x', 'Unable to connect to the service (ID: 100050).'), 'NetworkError', false],
    [error('x', 'The remote server returned an error: (407) Proxy Authentication Required. (ID: 100050)'), 'ProxyAuthRequired', false],
    [error('x', 'The remote server returned an error: (403) Forbidden.'), 'MarsVaultAccessDenied', false],
    [error('x', 'Error 0x1FC07: the cache location is invalid.'), 'MarsCacheOrKeyFileUnusable', false],
    [error('34506,Microsoft.Internal.CloudBackup.Commands.SetOBMachineSetting', 'The scratch folder does not have enough space.'), 'MarsCacheOrKeyFileUnusable', false],
    [error('x', 'The operation failed.', 0x1fc07), 'MarsCacheOrKeyFileUnusable', false],
    [error('CBPGenericOperationFailure,Microsoft.Internal.CloudBackup.Commands.StartOBRegistration', 'An internal service error 0x7DC occurred.'), 'InternalError', true],
  ];

  it('maps each documented id to its code, with a next step and a Spanish text; 0x7DC is transient', () => {
    for (const [input, code, transient] of cases) {
      const failure = marsFailure(input);
      assert.equal(failure.error.code, code, input.message);
      assert.equal(failure.transient, transient, input.message);
      assert.ok(isErrorCode(failure.error.code));
      assert.ok(nextActionOf(failure.error.code));
      assert.ok(es[failure.error.code], `${code} has a Spanish text`);
      assert.equal(failure.error.params.agentErrorCode, input.id.split(',')[0] || String(input.hresult));
    }
  });

  it('matches ids as whole words only, and keeps an unknown id for support', () => {
    assert.equal(marsFailure(error('x', 'Copied 34513000 bytes; 14030 files, 4031 folders')).error.code, 'AgentErrorUnknown');
    const unknown = marsFailure(error('CBPSomethingNew,Microsoft.Internal.CloudBackup.Commands.StartOBRegistration', 'Something new.'));
    assert.equal(unknown.error.code, 'AgentErrorUnknown');
    assert.equal(unknown.error.params.agentErrorCode, 'CBPSomethingNew');
    assert.match(unknown.error.message, /CBPSomethingNew/);
  });
});

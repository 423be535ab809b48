import assert from 'node:assert/strict';
import { CREDENTIALS_ERROR_CODES } from '../../../src/core/credentials/errors';
import { SetupError } from '../../../src/core/errors';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { actionOf, NEXT_ACTIONS, nextActionFor, withNextStep } from '../../../src/core/registration/errors';
import { VaultCode } from '../../../src/vault/errors';

/** Codes the vault never sends on the registration API: admin API, agent download, start-up and CLI. */
const NOT_REGISTRATION_API = new Set<string>([
  VaultCode.AdminTokenRequired,
  VaultCode.VaultNotFound,
  VaultCode.VaultAlreadyExists,
  VaultCode.AgentPackageUnavailable,
  VaultCode.RangeNotSatisfiable,
  VaultCode.DataCorrupt,
  VaultCode.DataUnreadable,
  VaultCode.DataInUse,
  VaultCode.DataBusy,
  VaultCode.ServiceUnreachable,
  VaultCode.PortInUse,
  VaultCode.PortForbidden,
]);

describe('registration error mapping', () => {
  it('gives every code the registration API can answer with a next step', () => {
    const unmapped = Object.values(VaultCode).filter((code) => !NOT_REGISTRATION_API.has(code) && nextActionFor(code) === undefined);
    assert.deepEqual(unmapped, []);
  });

  it('gives every network failure and every credentials refusal a next step', () => {
    for (const code of [...Object.values(NetworkCode), ...CREDENTIALS_ERROR_CODES]) {
      assert.ok(NEXT_ACTIONS.includes(nextActionFor(code)!), code);
    }
  });

  it("replaces the vault's wording with its own, keeping the vault's params", () => {
    const fromVault = new SetupError('100110', 'This machine is already registered to vault lab1. Unregister it there first.', { vault: 'lab1', httpStatus: 409 });
    const mapped = withNextStep(fromVault);
    assert.equal(mapped.code, '100110');
    assert.equal(mapped.params.action, 'useCredentialsOfRegisteredVault');
    assert.equal(mapped.params.httpStatus, 409);
    assert.equal(mapped.params.vaultMessage, fromVault.message);
    assert.match(mapped.message, /already registered with vault lab1\. Use that vault's credentials/);
    assert.equal(mapped.cause, fromVault);

    const expired = withNextStep(new SetupError('CBPUserExpiredVaultCredential', 'vault text', { httpStatus: 401 }));
    assert.equal(expired.params.agentCode, '34513', "the agent's umbrella id for invalid credentials");
    assert.match(expired.message, /^The vault says this credentials file has expired/);
  });

  it('keeps the wording of network failures and of credentials refused on this machine', () => {
    const network = withNextStep(new SetupError(NetworkCode.ProxyAuthRequired, 'The proxy http://u@p:3128 requires authentication.', { proxyStatus: 407 }));
    assert.equal(network.message, 'The proxy http://u@p:3128 requires authentication.');
    assert.equal(network.params.action, 'checkProxyCredentials');
    const local = withNextStep(new SetupError('CBPUserExpiredVaultCredential', 'The vault credentials file has expired; download a new one.', { agentCode: '34513' }));
    assert.equal(local.message, 'The vault credentials file has expired; download a new one.');
    assert.equal(local.params.action, 'downloadNewCredentials');
  });

  it('gives a code nobody knows "report the problem", keeping its message', () => {
    const unknown = withNextStep(new SetupError('SomethingElse', 'x', { httpStatus: 418 }));
    assert.equal(unknown.params.action, 'reportProblem');
    assert.equal(unknown.message, 'x');
    assert.equal(actionOf({ code: 'SomethingElse', params: {} }), 'reportProblem');
    assert.equal(actionOf({ code: 'CacheFolderTooSmall', params: {} }), 'chooseCacheFolder');
  });

  it('leaves alone errors that already name a step, and non-SetupErrors', () => {
    const decided = new SetupError('34513', 'x', { action: 'registerAgain' });
    assert.equal(withNextStep(decided), decided);
    const plain = new Error('plain');
    assert.equal(withNextStep(plain), plain);
  });
});

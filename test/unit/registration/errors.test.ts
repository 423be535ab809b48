import assert from 'node:assert/strict';
import { SetupError } from '../../../src/core/errors';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { actionOf, isVaultRefusalCode, withNextStep } from '../../../src/core/registration/errors';
import { VaultCode } from '../../../src/core/vaultCodes';

/** Codes the vault never sends on the registration API (admin API, agent download, start-up and CLI), and one it sends but this build does not know. */
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
  VaultCode.Unknown,
]);

describe('registration error mapping', () => {
  it('has its own wording for every code the registration API can answer with', () => {
    const unworded = Object.values(VaultCode).filter((code) => !NOT_REGISTRATION_API.has(code) && !isVaultRefusalCode(code));
    assert.deepEqual(unworded, []);
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

  it('gives a vault code this build does not know "report the problem", keeping the vault\'s message', () => {
    const unknown = withNextStep(new SetupError(VaultCode.Unknown, 'x', { vaultCode: 'SomethingElse', httpStatus: 418 }));
    assert.equal(unknown.params.action, 'reportProblem');
    assert.equal(unknown.message, 'x');
    // An error on the wire (a page's, another version's) may carry any code.
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

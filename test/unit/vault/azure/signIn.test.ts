/**
 * Which sign-in an endpoint takes (signInPlan.ts), tokens from a sign-in that can end
 * (sessionToken), and the next step an expired or superseded file gets while signed in.
 */
import assert from 'node:assert/strict';
import { isSetupError } from '../../../../src/core/errors';
import { actionOf } from '../../../../src/core/registration/errors';
import { Secret } from '../../../../src/core/secret';
import { armEndpoint } from '../../../../src/core/vault/azure/endpoint';
import { azureSignInPlan, isSubscriptionId } from '../../../../src/core/vault/azure/signInPlan';
import { requireTokenFor, sessionToken } from '../../../../src/core/vault/azure/token';

describe('Azure sign-in plan', () => {
  it('signs in to the public cloud with the microsoft provider and its Resource Manager\'s .default scope, the tenant as VSCODE_TENANT', () => {
    const plan = azureSignInPlan({ tenant: ' contoso.onmicrosoft.com ' });
    assert.equal(plan.endpoint.url, 'https://management.azure.com/');
    assert.deepEqual(plan.signIn, { kind: 'microsoft', providerId: 'microsoft', cloud: 'AzureCloud', scopes: ['https://management.azure.com/.default', 'VSCODE_TENANT:contoso.onmicrosoft.com'] });
    assert.deepEqual(azureSignInPlan({ endpoint: '' }).signIn, { kind: 'microsoft', providerId: 'microsoft', cloud: 'AzureCloud', scopes: ['https://management.azure.com/.default'] });
  });

  it('takes a sovereign cloud through microsoft-sovereign-cloud, from its setting or its Resource Manager', () => {
    const china = azureSignInPlan({ sovereignEnvironment: 'ChinaCloud' });
    assert.equal(china.endpoint.url, 'https://management.chinacloudapi.cn/');
    assert.deepEqual(china.signIn, { kind: 'microsoft', providerId: 'microsoft-sovereign-cloud', cloud: 'AzureChinaCloud', scopes: ['https://management.chinacloudapi.cn/.default'] });
    const usGov = azureSignInPlan({ endpoint: 'https://management.usgovcloudapi.net/', sovereignEnvironment: 'USGovernment' });
    assert.equal(usGov.signIn.kind === 'microsoft' && usGov.signIn.cloud, 'AzureUSGovernment');
  });

  it('never sends a sovereign sign-in for another cloud to this Resource Manager', () => {
    // The sovereign provider signs in to the cloud its own setting names; a US Government endpoint with the China setting is refused before any request.
    const plan = azureSignInPlan({ endpoint: 'https://management.usgovcloudapi.net/', sovereignEnvironment: 'ChinaCloud' });
    assert.ok(plan.signIn.kind === 'microsoft');
    const source = sessionToken(async () => new Secret('t'), { kind: 'microsoft', cloud: plan.signIn.cloud });
    assert.throws(() => requireTokenFor(plan.endpoint, source), (e: unknown) => isSetupError(e) && e.code === 'AzureTokenNotForEndpoint');
  });

  it('gives a non-Azure endpoint (the ARM emulator) only its own token, and refuses an endpoint that is not https', () => {
    const plan = azureSignInPlan({ endpoint: 'https://127.0.0.1:8443/x?y', sovereignEnvironment: 'ChinaCloud' });
    assert.deepEqual(plan, { endpoint: { url: 'https://127.0.0.1:8443/' }, signIn: { kind: 'endpointToken' } });
    assert.throws(() => azureSignInPlan({ endpoint: 'http://127.0.0.1:8443/' }), (e: unknown) => isSetupError(e) && e.code === 'AzureEndpointInvalid');
  });

  it('knows a subscription id by its GUID shape', () => {
    assert.ok(isSubscriptionId('3f2504e0-4f89-11d3-9a0c-0305e82c3301'));
    for (const bad of ['', 'sub', '3f2504e0-4f89-11d3-9a0c-0305e82c330', ' 3f2504e0-4f89-11d3-9a0c-0305e82c3301']) assert.ok(!isSubscriptionId(bad), bad);
  });
});

describe('Tokens from a sign-in that can end', () => {
  it('gives the current token, bound to what it was issued for', async () => {
    const source = sessionToken(async () => new Secret('abc'), { kind: 'endpoint', url: 'https://127.0.0.1:8443/' });
    assert.equal((await source.credential.getToken('x'))?.token, 'abc');
    requireTokenFor(armEndpoint('https://127.0.0.1:8443'), source);
    assert.throws(() => requireTokenFor(armEndpoint(), source), (e: unknown) => isSetupError(e) && e.code === 'AzureTokenNotForEndpoint');
  });

  it('refuses with AzureSignedOut and the sign-in step once signed out', async () => {
    const source = sessionToken(async () => undefined, { kind: 'microsoft', cloud: 'AzureCloud' });
    const err = await source.credential.getToken('x').then(() => assert.fail('a token'), (e: unknown) => e);
    assert.ok(isSetupError(err) && err.code === 'AzureSignedOut', String(err));
    assert.equal(err.params.action, 'signInToAzure');
    assert.equal(err.params.where, 'AzureCloud');
  });
});

describe('Next step for a file that no longer works, while signed in to Azure', () => {
  const error = (code: string) => ({ code, params: {} });

  it('is a fresh file from Azure for an expired or superseded file', () => {
    for (const code of ['CBPUserExpiredVaultCredential', '34513']) {
      assert.equal(actionOf(error(code), { signedInToAzure: true }), 'getCredentialsFromAzure', code);
      assert.equal(actionOf(error(code)), 'downloadNewCredentials', `${code}, signed out`);
    }
  });

  it('stays the file\'s own step for a file that is broken rather than old', () => {
    assert.equal(actionOf(error('VaultCredentialMalformedXml'), { signedInToAzure: true }), 'downloadNewCredentials');
    assert.equal(actionOf(error('100110'), { signedInToAzure: true }), 'useCredentialsOfRegisteredVault');
  });
});

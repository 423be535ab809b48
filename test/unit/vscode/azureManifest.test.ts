// The manifest's side of the Azure sign-in: the Resource Manager endpoint decides where a token
// goes, so only the machine's own settings may set it, never a workspace (untrusted or not); the
// test authentication provider is no contribution of the shipped extension.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS } from '../../../src/vscode/ids';
import { REPO_ROOT } from '../../support/vault';

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const SETTING = 'backupAgent.azure.resourceManagerEndpoint';

describe('Manifest: Azure', () => {
  it('makes the Resource Manager endpoint machine-scoped, https only, and restricted in untrusted workspaces', () => {
    const setting = manifest.contributes.configuration.properties[SETTING];
    assert.equal(setting.scope, 'machine');
    assert.equal(setting.default, '');
    const pattern = new RegExp(setting.pattern);
    for (const ok of ['', 'https://127.0.0.1:8443', 'https://management.azure.com/']) assert.ok(pattern.test(ok), ok);
    for (const bad of ['http://127.0.0.1:8443', 'management.azure.com']) assert.ok(!pattern.test(bad), bad);
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(SETTING));
  });

  it('contributes the Azure commands and no authentication provider (the test one exists only in test mode)', () => {
    const ids = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of [COMMANDS.getCredentialsFromAzure, COMMANDS.signOutOfAzure]) assert.ok(ids.includes(id), id);
    assert.equal(manifest.contributes.authentication, undefined);
  });
});

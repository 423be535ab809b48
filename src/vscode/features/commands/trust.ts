/**
 * "Trust This Vault's Certificate…": shows what the vault endpoint presents (issuer and SHA-256
 * fingerprint), lets the user pick the PEM file of the CA that issued it, and trusts that CA for
 * that endpoint only once the core has checked, by a real handshake, that it verifies the chain.
 * Run from an untrusted-certificate error, it works on the endpoint that error names.
 */
import * as vscode from 'vscode';
import { endpointKey, endpointOfError } from '../../../core/service';
import { showError, type FeatureContext } from '../context';
import { withStages } from '../progress';
import { credentialsNotSelected } from '../session/checked';
import { settled } from './run';

export async function trustVaultCertificate(f: FeatureContext, from?: unknown): Promise<void> {
  const retry = () => trustVaultCertificate(f, from);
  const endpoint = (typeof from === 'object' && from !== null ? endpointOfError(from as Record<string, unknown>) : undefined) ?? f.session.vaultEndpoint();
  if (!endpoint) return showError(f, credentialsNotSelected(), retry);
  const key = endpointKey(endpoint);

  const presented = await settled(
    f,
    await withStages(vscode.l10n.t('Reading the certificate {0} presents', key), [], (_p, signal) => f.session.presentedCertificate(endpoint, signal)),
    retry,
  );
  if (!presented) return;
  const { issuer, fingerprint256 } = presented.certificate;
  const choose = vscode.l10n.t('Choose CA File…');
  const trusting = await f.ui().confirm(
    vscode.l10n.t('Trust a certificate authority for the vault at {0}?', key),
    [
      vscode.l10n.t('The vault presents a certificate issued by {0}.', issuer),
      vscode.l10n.t('SHA-256 fingerprint: {0}', fingerprint256),
      '',
      vscode.l10n.t("Compare them with what the vault's administrator gives you, then choose the PEM file of the certificate authority that issued it. Only connections to {0} will trust it.", key),
    ].join('\n'),
    choose,
  );
  if (!trusting) return;
  const file = await f.ui().openFile({
    title: vscode.l10n.t('Certificate Authority for the Vault at {0}', key),
    openLabel: vscode.l10n.t('Trust This CA'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { [vscode.l10n.t('PEM certificates')]: ['pem', 'crt', 'cer'], [vscode.l10n.t('All files')]: ['*'] },
  });
  if (!file) return;

  const trusted = await settled(
    f,
    await withStages(vscode.l10n.t('Checking that this CA verifies the certificate {0} presents', key), [], (_p, signal) => f.session.trustCertificate(endpoint, file, signal)),
    retry,
  );
  if (trusted) void f.ui().message('info', vscode.l10n.t('Connections to {0} now trust the certificate authority in {1}. Try again what failed.', trusted.endpoint, trusted.file));
}

/**
 * "Start Local Vault": the project's vault service inside the extension host, its data under
 * globalStorage, for trying the setup without a cloud vault. It creates a vault when there is
 * none, issues a credentials file through the vault-backend seam (core/vault/backend.ts) into
 * globalStorage/credentials and, while running, trusts its CA for its own host:port only.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { adminIssuer, LocalVaultBackend, writeFileAtomic, type VaultBackend } from '../../core/service';
import type { RunningVault } from '../../vault';
import { showError, type FeatureContext } from './context';
import type { VaultTrust } from './session/trust';
import { asSetupError, isCancellation, logLine } from './session/checked';
import { readSettings } from './settings';

export const LOCAL_VAULT_NAME = 'local-vault';
/** Context key for the palette: Start while stopped, Stop while running. */
const RUNNING_KEY = 'backupAgent.localVaultRunning';
const setRunning = (running: boolean) => void vscode.commands.executeCommand('setContext', RUNNING_KEY, running);

export interface StartedLocalVault {
  url: string;
  vaultName: string;
  credentialsFile: string;
}

export class LocalVault implements vscode.Disposable {
  private running?: { vault: RunningVault; trusted: vscode.Disposable; started: StartedLocalVault };

  constructor(private readonly trust: VaultTrust) {}

  get isRunning(): boolean {
    return Boolean(this.running);
  }

  async start(f: FeatureContext): Promise<StartedLocalVault | undefined> {
    try {
      const started = this.running?.started ?? (await this.launch(f));
      const use = vscode.l10n.t('Use Its Credentials');
      const chosen = await f.ui().message('info', vscode.l10n.t('Local vault {0} runs at {1}; a credentials file was issued to {2}.', started.vaultName, started.url, started.credentialsFile), use);
      if (chosen === use) await f.session.selectCredentials(started.credentialsFile);
      return started;
    } catch (err) {
      if (isCancellation(err)) return undefined;
      const error = asSetupError(err);
      f.log.warn(`Local vault: ${logLine(error)}`);
      await showError(f, error, () => this.start(f));
      return undefined;
    }
  }

  async stop(f: FeatureContext): Promise<void> {
    if (!this.running) {
      void f.ui().message('info', vscode.l10n.t('The local vault is not running.'));
      return;
    }
    await this.close();
    void f.ui().message('info', vscode.l10n.t('The local vault has stopped.'));
  }

  private async launch(f: FeatureContext): Promise<StartedLocalVault> {
    const storage = f.extension.globalStorageUri.fsPath;
    // The vault service is a chunk of its own, loaded when a vault starts.
    const { startVault } = await import('../../vault');
    const vault = await startVault({
      dataDir: path.join(storage, 'local-vault'),
      port: readSettings().localVaultPort,
      agentDir: path.join(f.extension.extensionPath, 'dist', 'agent'),
      logger: { info: (line) => f.log.debug(`vault: ${line}`), error: (line) => f.log.error(`vault: ${line}`) },
    });
    try {
      const vaults = await vault.admin.listVaults();
      const vaultName = vaults[0]?.identity.name ?? (await vault.admin.createVault({ name: LOCAL_VAULT_NAME })).name;
      // Through the backend seam, as any vault service issues a file; this side runs the vault, so it holds the issuer.
      const backend: VaultBackend = new LocalVaultBackend({ logger: f.log, issuer: adminIssuer(vault.admin) });
      const issued = await backend.issueCredentials(vaultName);
      const folder = path.join(storage, 'credentials');
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      const credentialsFile = path.join(folder, issued.fileName);
      // It holds a private key: owner-only and atomic. A file of the same name is this vault's from
      // an earlier start today, which the new issue has just superseded, so replacing it loses nothing.
      await writeFileAtomic(credentialsFile, issued.xml, { mode: 0o600 });
      const started = { url: vault.url, vaultName, credentialsFile };
      this.running = { vault, trusted: this.trust.add(vault.url, vault.caCertPem), started };
      setRunning(true);
      f.log.info(`Local vault ${vaultName} started at ${vault.url}.`);
      return started;
    } catch (err) {
      await vault.close();
      throw err;
    }
  }

  private async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    setRunning(false);
    running.trusted.dispose();
    await running.vault.close();
  }

  dispose(): void {
    void this.close();
  }
}

/**
 * Keeps the status-bar item true to this server: the state comes from its agent configuration
 * and a vault health check (ThisServer), repeated every `statusBar.healthCheckIntervalSeconds`
 * while the window is focused and whenever the configuration changes; the selected credentials'
 * time left counts down in between.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { deriveRegistrationState, EXPIRY_WARNING_MS, type RegistrationState } from '../../../core/service';
import { isSignedInToAzure } from '../azure/signInState';
import type { RegistrationStatusBar } from '../../statusBar';
import type { StatusOffers } from '../../statusActions';
import type { SetupSession } from '../session/types';
import { readSettings } from '../settings';
import type { ThisServer } from './thisServer';

const COUNTDOWN_MS = 30_000;

export class StatusController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private healthTimer?: NodeJS.Timeout;
  private countdown?: NodeJS.Timeout;

  constructor(
    private readonly session: SetupSession,
    private readonly thisServer: ThisServer,
    private readonly statusBar: RegistrationStatusBar,
  ) {}

  start(): void {
    this.disposables.push(
      this.session.onDidChange(() => this.render()),
      this.thisServer.onDidChange(() => this.render()),
      vscode.window.onDidChangeWindowState((s) => (s.focused ? this.resume() : this.pause())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('backupAgent.statusBar.healthCheckIntervalSeconds') || e.affectsConfiguration('backupAgent.installFolder')) this.resume(true);
      }),
    );
    this.countdown = setInterval(() => this.render(), COUNTDOWN_MS);
    void this.session.ready.then(() => (vscode.window.state.focused ? this.resume(true) : this.check()));
  }

  /** Checks now (the configuration and the vault's health). */
  async check(): Promise<void> {
    await this.thisServer.refresh();
    this.render();
  }

  /** The state the item shows, from this server's last status and the selected credentials. */
  state(): RegistrationState {
    const status = this.thisServer.last?.status;
    const now = new Date();
    if (status && status.state.kind !== 'notSetUp') return status.state;
    const c = this.session.snapshot().credentials;
    if (c?.ok) return deriveRegistrationState({ credentials: { vaultName: c.value.vaultName, expiresAt: new Date(c.value.expiresAt) }, now });
    const remembered = this.session.rememberedCredentials();
    if (c && !c.ok && c.error.code === 'CBPUserExpiredVaultCredential') {
      // Refused as expired: the vault it named when it was read before, else the file's name.
      const credentials = { vaultName: remembered?.vaultName ?? path.basename(c.file), expiresAt: new Date(String(c.error.params.expiredAt)) };
      return deriveRegistrationState({ credentials, now });
    }
    return deriveRegistrationState({ now });
  }

  /** What the status menu and tooltip offer beside the state's own actions. */
  offers(state: RegistrationState): StatusOffers {
    const expiring = state.kind === 'credentialsExpired' || (state.kind === 'credentialsSelected' && state.timeLeftMs < EXPIRY_WARNING_MS);
    return { freshFromAzure: expiring && isSignedInToAzure() };
  }

  private render(): void {
    const state = this.state();
    const last = this.thisServer.last;
    const status = last?.status;
    const details = [
      ...(status?.config?.registration ? [vscode.l10n.t('Server: {0}', status.config.serverName), vscode.l10n.t('Registration: {0}', status.config.registration.id)] : []),
      ...(status ? [vscode.l10n.t('Install folder: {0}', status.installFolder)] : []),
      ...(last ? [vscode.l10n.t('Last checked: {0}', last.checkedAt.toLocaleTimeString(vscode.env.language))] : []),
    ];
    this.statusBar.show(state, details, this.offers(state));
  }

  private resume(now = false): void {
    this.pause();
    const intervalMs = readSettings().healthCheckIntervalSeconds * 1000;
    const lastCheck = this.thisServer.last?.checkedAt.getTime() ?? 0;
    if (now || Date.now() - lastCheck >= intervalMs) void this.check();
    this.healthTimer = setInterval(() => void this.check(), intervalMs);
  }

  private pause(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  dispose(): void {
    this.pause();
    if (this.countdown) clearInterval(this.countdown);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

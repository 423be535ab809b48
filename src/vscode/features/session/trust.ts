/**
 * Where the vault CAs trusted in this window come from: the setting
 * `backupAgent.vault.trustedCertificates` ("host:port" → CA file) and the local vault while it
 * runs in this window, for its own host:port only. Which of them applies to an endpoint is the
 * core's rule (core/trust/endpoint.ts).
 */
import * as vscode from 'vscode';
import { endpointKey, type TrustedCertificate, trustFromFileMap } from '../../../core/service';
import { readSettings } from '../settings';

export class VaultTrust implements vscode.Disposable {
  private readonly running = new Set<TrustedCertificate>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  /** Trusts `pem` for the endpoint at `url` until the returned disposable is disposed. */
  add(url: string, pem: string): vscode.Disposable {
    const entry = { endpoint: endpointKey(url), pem };
    this.running.add(entry);
    this.emitter.fire();
    return new vscode.Disposable(() => {
      if (this.running.delete(entry)) this.emitter.fire();
    });
  }

  /** Every CA source for the service: the setting's files, then the running local vault's CA. */
  sources(): TrustedCertificate[] {
    return [...trustFromFileMap(readSettings().trustedCertificates), ...this.running];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

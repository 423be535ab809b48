/**
 * The CA certificates trusted for the vault besides the system's: the local vault's while it runs
 * in this window, and the PEM file named by `backupAgent.vault.caFile`.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';

export class VaultTrust implements vscode.Disposable {
  private readonly sessionCas = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  /** Trusts `pem` until the returned disposable is disposed. */
  add(pem: string): vscode.Disposable {
    this.sessionCas.add(pem);
    this.emitter.fire();
    return new vscode.Disposable(() => {
      if (this.sessionCas.delete(pem)) this.emitter.fire();
    });
  }

  /** The PEMs to pass as `trust.ca`, or undefined for the system's store alone. */
  async pems(caFile: string, log: vscode.LogOutputChannel): Promise<string | undefined> {
    const pems = [...this.sessionCas];
    if (caFile) {
      try {
        pems.push(await fs.readFile(caFile, 'utf8'));
      } catch (err) {
        log.warn(`The vault CA file ${caFile} (backupAgent.vault.caFile) could not be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
    return pems.length ? pems.join('\n') : undefined;
  }

  /** Fired when the set may have changed, including the CA file setting. */
  changed(): void {
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/**
 * Follows the agent configuration file on this machine, so that a registration or an unregister
 * made elsewhere (the CLI, another window) reaches the session, and every surface with it,
 * without a reload. Polled by stat: the file may not exist yet, and it is replaced by rename.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type * as vscode from 'vscode';

const POLL_MS = 1000;

export class ConfigWatch implements vscode.Disposable {
  private file?: string;
  private readonly listener = (current: Stats, previous: Stats) => {
    if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino) this.onChange();
  };

  constructor(private readonly onChange: () => void) {}

  /** Watches `file` from now on (undefined: nothing, as for a remote server). */
  follow(file: string | undefined): void {
    if (file === this.file) return;
    if (this.file) unwatchFile(this.file, this.listener);
    this.file = file;
    if (file) watchFile(file, { interval: POLL_MS, persistent: false }, this.listener);
  }

  dispose(): void {
    this.follow(undefined);
  }
}

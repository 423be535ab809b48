/**
 * This server's registration as last read, for the status bar and the Servers view. While the
 * window's session sets up this server it is the session's own status (one reading for every
 * surface, the setup page included); while the session is on a remote server it is read apart.
 * The agent configuration it was read from is watched, so a change made anywhere else (the CLI,
 * another window) is read again without a reload.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import * as vscode from 'vscode';
import { statusChoice, thisMachineTarget, type SetupStatus } from '../../../core/service';
import type { SetupSession } from '../session/types';
import { readSettings } from '../settings';

/** How often the configuration file is looked at (a stat; it may not exist yet). */
const WATCH_INTERVAL_MS = 1000;

export class ThisServer implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private current?: { status: SetupStatus; checkedAt: Date };
  private reading?: Promise<void>;
  /** The read asked for while one ran: it starts after that one, for every caller meanwhile. */
  private next?: Promise<void>;
  private watched?: string;

  constructor(
    private readonly session: SetupSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      session.onDidChange(({ target, status }) => {
        if (target.kind === 'local' && status && status !== this.current?.status) this.update(status);
      }),
    );
  }

  /** The last reading, and when it was made. */
  get last(): { status: SetupStatus; checkedAt: Date } | undefined {
    return this.current;
  }

  /**
   * Reads the status again (the configuration and the vault's view), one reading at a time; a
   * failure is logged. Asked while a reading runs, it reads once more after it: the running one
   * may have started before what the caller knows changed (a vault that just went down).
   */
  refresh(): Promise<void> {
    if (this.reading) {
      this.next ??= this.reading.then(() => {
        this.next = undefined;
        return this.refresh();
      });
      return this.next;
    }
    this.reading = this.read()
      .catch((err) => this.log.warn(`Status check failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    // Through the session when it is on this server: its status event brings the reading here.
    if (this.session.target.kind === 'local') {
      await this.session.refreshStatus();
      return;
    }
    // Through the service of the vault service whose agent runs here (Windows: MARS), as the Servers view reads a server.
    const target = thisMachineTarget();
    const service = this.session.serviceFactory()(target, statusChoice(await target.facts()));
    this.update(await service.status({ installFolder: readSettings().installFolder || undefined }));
  }

  private update(status: SetupStatus): void {
    this.current = { status, checkedAt: new Date() };
    this.watch(status.configFile);
    this.emitter.fire();
  }

  private watch(file: string): void {
    if (file === this.watched) return;
    this.unwatch();
    watchFile(file, { interval: WATCH_INTERVAL_MS, persistent: false }, this.changed);
    this.watched = file;
  }

  /** Written, replaced (an atomic write renames over it) or removed. */
  private readonly changed = (now: Stats, before: Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
    void this.refresh();
  };

  private unwatch(): void {
    if (this.watched) unwatchFile(this.watched, this.changed);
    this.watched = undefined;
  }

  dispose(): void {
    this.unwatch();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/**
 * The credentials files this window got from Azure, each in its own private temporary folder:
 * removed once a registration with it is done, and when the window closes (a copy the user saved
 * elsewhere stays).
 */
import type * as vscode from 'vscode';
import { removeIssuedFile } from '../../../core/service';
import type { SetupSession } from '../session';

export class IssuedFiles implements vscode.Disposable {
  /** Those not removed yet. */
  private readonly files = new Set<string>();
  /** Every file got, removed ones too: a fleet retry must still tell that its file came from Azure. */
  private readonly got = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: SetupSession, private readonly log: vscode.LogOutputChannel) {
    this.subscription = session.onDidRegister(() => void this.removeSelected());
  }

  add(file: string): void {
    this.files.add(file);
    this.got.add(file);
  }

  /** Whether this window got `file` from Azure (it may be removed already). */
  has(file: string): boolean {
    return this.got.has(file);
  }

  /** The selected file, if this window got it from Azure: the registration has used it. */
  async removeSelected(): Promise<void> {
    const file = this.session.snapshot().credentials?.file;
    if (file && this.files.delete(file)) await this.remove(file);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const file of this.files) void this.remove(file);
    this.files.clear();
  }

  private async remove(file: string): Promise<void> {
    try {
      if (await removeIssuedFile(file)) this.log.info(`Removed the credentials file got from Azure, ${file}, and its private folder.`);
    } catch (err) {
      this.log.warn(`Could not remove ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

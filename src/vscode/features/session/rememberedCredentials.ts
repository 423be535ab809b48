/**
 * The selected credentials file, kept across windows in globalState: a path and what it said,
 * nothing secret. A refused file keeps what was read from it before (an expired file's vault
 * name), for the "expired before registering" state.
 */
import type * as vscode from 'vscode';
import type { CredentialsSummary } from '../../../core/service';
import type { Checked } from './types';

export interface RememberedCredentials {
  file: string;
  vaultName?: string;
  expiresAt?: string;
}

const CREDENTIALS_KEY = 'backupAgent.credentials';

export class RememberedCredentialsStore {
  constructor(private readonly state: vscode.Memento) {}

  get(): RememberedCredentials | undefined {
    return this.state.get<RememberedCredentials>(CREDENTIALS_KEY);
  }

  /** Remembers `file` as just checked. */
  async remember(file: string, result: Checked<CredentialsSummary>): Promise<void> {
    const previous = this.get();
    const remembered: RememberedCredentials = result.ok
      ? { file, vaultName: result.value.vaultName, expiresAt: result.value.expiresAt }
      : { ...(previous?.file === file ? previous : {}), file };
    await this.state.update(CREDENTIALS_KEY, remembered);
  }

  async forget(): Promise<void> {
    await this.state.update(CREDENTIALS_KEY, undefined);
  }
}

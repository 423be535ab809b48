// Helpers for suites that run inside the extension host.
import * as vscode from 'vscode';
import type { BackupAgentApi } from '../../src/extension';

export const EXTENSION_ID = 'backup-agent-setup.backup-agent-setup';

export async function activateExtension(): Promise<{ ext: vscode.Extension<BackupAgentApi>; api: BackupAgentApi }> {
  const ext = vscode.extensions.getExtension<BackupAgentApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  const api = await ext.activate();
  return { ext, api };
}

export interface ManifestCommand { command: string; title: string; category?: string }

export function contributedCommands(ext: vscode.Extension<unknown>): ManifestCommand[] {
  return ext.packageJSON.contributes.commands as ManifestCommand[];
}

/** Polls until `probe` returns a value, or fails after `ms`. */
export async function waitUntil<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

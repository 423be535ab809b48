/** Long operations under one cancellable notification, the service's stages shown as "(n/N) …". */
import * as vscode from 'vscode';
import { isCancellation } from './session/checked';
import type { ProgressReporter } from './session/types';

function stageLabels(): Record<string, string> {
  return {
    validateCredentials: vscode.l10n.t('Checking the vault credentials'),
    checkConnectivity: vscode.l10n.t('Checking the connection to the vault'),
    checkCache: vscode.l10n.t('Checking the cache folder'),
    checkPrerequisites: vscode.l10n.t('Checking prerequisites'),
    installAgent: vscode.l10n.t('Downloading and installing the agent'),
    savePassphrase: vscode.l10n.t('Saving the passphrase'),
    checkFromServer: vscode.l10n.t('Checking the vault from the server'),
    machineIdentity: vscode.l10n.t('Creating the machine identity'),
    registerWithVault: vscode.l10n.t('Registering with the vault'),
    writeCertificates: vscode.l10n.t('Writing the certificates'),
    writeConfiguration: vscode.l10n.t('Writing the agent configuration'),
    changePassphrase: vscode.l10n.t('Changing the passphrase at the vault'),
    unregisterAtVault: vscode.l10n.t('Unregistering at the vault'),
    removeMachineCertificate: vscode.l10n.t('Removing the machine certificate'),
  };
}

export const stageLabel = (stage: string): string => stageLabels()[stage] ?? stage;

/**
 * Runs `work` with a reporter and an AbortSignal tied to the notification's Cancel button.
 * Resolves to undefined when cancelled: cancelling is silent.
 */
export async function withStages<T>(title: string, stages: readonly string[], work: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (p, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    let last = -1;
    const reporter: ProgressReporter = {
      report(stage) {
        const index = stages.indexOf(stage);
        if (index < 0 || index === last) return;
        const increment = ((index - Math.max(last, 0)) / stages.length) * 100;
        last = index;
        p.report({ message: `(${index + 1}/${stages.length}) ${stageLabel(stage)}`, increment });
      },
    };
    try {
      const result = await work(reporter, controller.signal);
      return controller.signal.aborted ? undefined : result;
    } catch (err) {
      if (isCancellation(err) || controller.signal.aborted) return undefined;
      throw err;
    } finally {
      subscription.dispose();
    }
  });
}

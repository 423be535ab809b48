/** The command that carries out an error's next step (`params.action`), where there is one. */
import * as vscode from 'vscode';
import { COMMANDS, type CommandId } from '../../ids';

const NEXT_STEP_COMMANDS: Record<string, CommandId> = {
  downloadNewCredentials: COMMANDS.selectCredentials,
  useCredentialsOfRegisteredVault: COMMANDS.selectCredentials,
  renameCredentialsFile: COMMANDS.selectCredentials,
  selectCredentials: COMMANDS.selectCredentials,
  checkProxySettings: COMMANDS.configureProxy,
  checkProxyCredentials: COMMANDS.configureProxy,
  checkNetwork: COMMANDS.testConnectivity,
  checkVaultEndpoint: COMMANDS.testConnectivity,
  trustVaultCertificate: COMMANDS.testConnectivity,
  generateNewSecurityPin: COMMANDS.changeProperties,
  changePassphraseWithSecurityPin: COMMANDS.changeProperties,
  registerAgain: COMMANDS.register,
  register: COMMANDS.register,
  choosePassphrase: COMMANDS.enterPassphrase,
  choosePassphraseFileLocation: COMMANDS.generatePassphrase,
  chooseInstallFolder: COMMANDS.setup,
  chooseCacheFolder: COMMANDS.setCacheFolder,
};

export function nextStepFor(action: unknown): { label: string; command: CommandId } | undefined {
  const command = typeof action === 'string' ? NEXT_STEP_COMMANDS[action] : undefined;
  if (!command) return undefined;
  const labels: Partial<Record<CommandId, string>> = {
    [COMMANDS.selectCredentials]: vscode.l10n.t('Select Credentials File…'),
    [COMMANDS.configureProxy]: vscode.l10n.t('Configure Proxy…'),
    [COMMANDS.testConnectivity]: vscode.l10n.t('Test Connectivity'),
    [COMMANDS.changeProperties]: vscode.l10n.t('Change Properties…'),
    [COMMANDS.register]: vscode.l10n.t('Register Again'),
    [COMMANDS.enterPassphrase]: vscode.l10n.t('Enter Passphrase…'),
    [COMMANDS.generatePassphrase]: vscode.l10n.t('Save Passphrase Elsewhere…'),
    [COMMANDS.setup]: vscode.l10n.t('Set Up Again…'),
    [COMMANDS.setCacheFolder]: vscode.l10n.t('Set Cache Folder…'),
  };
  return { label: labels[command]!, command };
}

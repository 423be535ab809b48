/**
 * What every next step (`params.action`) offers on every surface: a command that fixes it, with
 * its button's label, or, where no command can (the clock, disk space, a prerequisite), an
 * instruction shown with the error (the core's text for that step, which the command line prints
 * too). The compiler checks that every NextAction has an entry.
 * The texts are English; surfaces show them through vscode.l10n.t, and the Spanish ones are in
 * l10n/bundle.l10n.es.json (test/unit/l10n/nextSteps.test.ts checks each one is there).
 */
import { NEXT_ACTION_INSTRUCTIONS, type NextAction } from '../../../core/service';
import { COMMANDS, type CommandId } from '../../ids';

export type NextStep = { command: CommandId; label: string } | { instruction: string };

export const NEXT_STEPS = {
  downloadNewCredentials: { command: COMMANDS.selectCredentials, label: 'Select a New Credentials File…' },
  useCredentialsOfRegisteredVault: { command: COMMANDS.selectCredentials, label: "Select That Vault's Credentials File…" },
  renameCredentialsFile: { command: COMMANDS.selectCredentials, label: 'Select Credentials File…' },
  selectCredentials: { command: COMMANDS.selectCredentials, label: 'Select Credentials File…' },
  checkProxySettings: { command: COMMANDS.configureProxy, label: 'Configure Proxy…' },
  checkProxyCredentials: { command: COMMANDS.configureProxy, label: 'Enter Proxy Credentials…' },
  checkNetwork: { command: COMMANDS.testConnectivity, label: 'Test Connectivity' },
  checkVaultEndpoint: { command: COMMANDS.testConnectivity, label: 'Test Connectivity' },
  trustVaultCertificate: { command: COMMANDS.trustVaultCertificate, label: "Trust This Vault's Certificate…" },
  generateNewSecurityPin: { command: COMMANDS.changeProperties, label: 'Enter a New Security PIN…' },
  changePassphraseWithSecurityPin: { command: COMMANDS.changeProperties, label: 'Change Passphrase…' },
  changeProperties: { command: COMMANDS.changeProperties, label: 'Change Properties…' },
  registerAgain: { command: COMMANDS.register, label: 'Register Again' },
  register: { command: COMMANDS.register, label: 'Register This Server' },
  choosePassphrase: { command: COMMANDS.enterPassphrase, label: 'Enter Passphrase…' },
  // The held passphrase cannot be saved twice under two names: a new one is generated and kept.
  choosePassphraseFileLocation: { command: COMMANDS.generatePassphrase, label: 'Save a New Passphrase Elsewhere…' },
  chooseInstallFolder: { command: COMMANDS.setup, label: 'Set Up Again…' },
  chooseCacheFolder: { command: COMMANDS.setCacheFolder, label: 'Set Cache Folder…' },
  chooseServer: { command: COMMANDS.registerRemote, label: 'Choose Server…' },
  changeFleet: { command: COMMANDS.registerServers, label: 'Register Servers…' },
  checkClock: { instruction: NEXT_ACTION_INSTRUCTIONS.checkClock },
  unregisterAnotherMachine: { instruction: NEXT_ACTION_INSTRUCTIONS.unregisterAnotherMachine },
  retryLater: { instruction: NEXT_ACTION_INSTRUCTIONS.retryLater },
  waitAndRetry: { instruction: NEXT_ACTION_INSTRUCTIONS.waitAndRetry },
  reportProblem: { instruction: NEXT_ACTION_INSTRUCTIONS.reportProblem },
  checkFileAccess: { instruction: NEXT_ACTION_INSTRUCTIONS.checkFileAccess },
  checkDataFolders: { instruction: NEXT_ACTION_INSTRUCTIONS.checkDataFolders },
  chooseServerName: { instruction: NEXT_ACTION_INSTRUCTIONS.chooseServerName },
  freeDiskSpace: { instruction: NEXT_ACTION_INSTRUCTIONS.freeDiskSpace },
  checkPermissions: { instruction: NEXT_ACTION_INSTRUCTIONS.checkPermissions },
  installPrerequisites: { instruction: NEXT_ACTION_INSTRUCTIONS.installPrerequisites },
  checkServerReachable: { instruction: NEXT_ACTION_INSTRUCTIONS.checkServerReachable },
  checkHostKey: { instruction: NEXT_ACTION_INSTRUCTIONS.checkHostKey },
  checkSshSignIn: { instruction: NEXT_ACTION_INSTRUCTIONS.checkSshSignIn },
  enableSftp: { instruction: NEXT_ACTION_INSTRUCTIONS.enableSftp },
  checkSshConfig: { instruction: NEXT_ACTION_INSTRUCTIONS.checkSshConfig },
  allowPortForwarding: { instruction: NEXT_ACTION_INSTRUCTIONS.allowPortForwarding },
  quietLoginOutput: { instruction: NEXT_ACTION_INSTRUCTIONS.quietLoginOutput },
  runAsAdministrator: { instruction: NEXT_ACTION_INSTRUCTIONS.runAsAdministrator },
  setFleetConcurrency: { instruction: NEXT_ACTION_INSTRUCTIONS.setFleetConcurrency },
  moveLocalVaultData: { instruction: NEXT_ACTION_INSTRUCTIONS.moveLocalVaultData },
  stopOtherLocalVault: { instruction: NEXT_ACTION_INSTRUCTIONS.stopOtherLocalVault },
  chooseLocalVaultPort: { instruction: NEXT_ACTION_INSTRUCTIONS.chooseLocalVaultPort },
  // Signing in happens inside "Get Vault Credentials from Azure…"; these say what to check first.
  signInToAzure: { instruction: NEXT_ACTION_INSTRUCTIONS.signInToAzure },
  askForAzureRole: { instruction: NEXT_ACTION_INSTRUCTIONS.askForAzureRole },
  checkAzureVault: { instruction: NEXT_ACTION_INSTRUCTIONS.checkAzureVault },
  chooseOutputFolder: { instruction: NEXT_ACTION_INSTRUCTIONS.chooseOutputFolder },
  setUpFromVsCode: { instruction: NEXT_ACTION_INSTRUCTIONS.setUpFromVsCode },
  // Offered instead of downloadNewCredentials for an expired or superseded file while signed in (the core's actionOf).
  getCredentialsFromAzure: { command: COMMANDS.getCredentialsFromAzure, label: 'Get a Fresh File from Azure' },
} as const satisfies Record<NextAction, NextStep>;

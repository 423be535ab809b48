/**
 * What every next step (`params.action`) offers on every surface: a command that fixes it, with
 * its button's label, or, where no command can (the clock, disk space, a prerequisite), an
 * instruction shown with the error. The compiler checks that every NextAction has an entry.
 * The texts are English; surfaces show them through vscode.l10n.t, and the Spanish ones are in
 * l10n/bundle.l10n.es.json (test/unit/l10n/nextSteps.test.ts checks each one is there).
 */
import type { NextAction } from '../../../core/registration/errors';
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
  checkClock: { instruction: "Set this computer's date, time and time zone correctly (automatic time), then try again." },
  unregisterAnotherMachine: { instruction: 'Unregister a server you no longer protect from the vault, then try again.' },
  retryLater: { instruction: 'This is usually temporary: try again in a few minutes.' },
  waitAndRetry: { instruction: 'Wait a few minutes, then try again.' },
  reportProblem: { instruction: 'This should not happen: please report it, with the log (Show Log).' },
  checkFileAccess: { instruction: 'Check that the file exists and that your user can read it, then try again.' },
  freeDiskSpace: { instruction: 'Free some disk space there, then try again.' },
  checkPermissions: { instruction: 'Give your user access to that folder or file, or run as a user who has it, then try again.' },
  installPrerequisites: { instruction: 'Install what the message names on the server, then try again.' },
  checkServerReachable: { instruction: 'Check that the server is running and that its SSH port can be reached from this machine, then try again.' },
  checkHostKey: {
    instruction: "Ask the server's administrator whether its host key changed. Only if it did, remove the old key from known_hosts (ssh-keygen -R HOST) and connect again.",
  },
  checkSshSignIn: { instruction: 'Check the user name, the key (in your SSH agent, or its file and passphrase) or the password, then try again.' },
  enableSftp: { instruction: "Enable the SFTP subsystem in the server's sshd_config (Subsystem sftp), then try again." },
  checkSshConfig: { instruction: "Check this server's entry in your ssh config (its ProxyCommand), for example by running ssh with the same host name, then try again." },
  allowPortForwarding: { instruction: "Allow remote port forwarding in the server's sshd_config (AllowTcpForwarding yes or remote) and reload sshd, then try again." },
  setFleetConcurrency: { instruction: 'Set backupAgent.fleet.concurrency within the range the message gives, then try again.' },
  moveLocalVaultData: { instruction: "Move the local vault's data folder aside (its vaults and CA are lost with it), then start the local vault again." },
  stopOtherLocalVault: { instruction: 'Stop the other vault service that uses this data folder, or wait for it to end, then try again.' },
  chooseLocalVaultPort: { instruction: 'Set backupAgent.localVault.port to a free port (0 picks one), then start the local vault again.' },
} as const satisfies Record<NextAction, NextStep>;

/**
 * What the user does for each next step (`params.action`), as one English instruction: the text
 * every surface can show. The VS Code side shows these through vscode.l10n.t where no command
 * fixes the problem (Spanish in l10n/bundle.l10n.es.json), and a button elsewhere; the command line
 * prints them after the error. The compiler checks that every NextAction has one. No imports but
 * a type, so any surface can load it cheaply.
 */
import type { NextAction } from './nextActions';

export const NEXT_ACTION_INSTRUCTIONS = {
  downloadNewCredentials: 'Download a new vault credentials file from the vault, then use it.',
  checkClock: "Set this computer's date, time and time zone correctly (automatic time), then try again.",
  useCredentialsOfRegisteredVault: 'Use the credentials file of the vault this server is registered with, or unregister it first.',
  unregisterAnotherMachine: 'Unregister a server you no longer protect from the vault, then try again.',
  generateNewSecurityPin: 'Generate a new security PIN in the vault, then enter it.',
  registerAgain: 'Register this server again.',
  checkVaultEndpoint: "Check that the vault's address in the credentials file is right and that the vault answers there (test the connectivity).",
  checkNetwork: "Check this machine's network connection and its way to the vault (test the connectivity), then try again.",
  retryLater: 'This is usually temporary: try again in a few minutes.',
  checkProxySettings: 'Check the proxy settings (mode, host and port), then try again.',
  checkProxyCredentials: "Check the proxy's user name and password, then try again.",
  trustVaultCertificate: "Trust the vault's CA certificate (the vault gives it), then try again.",
  reportProblem: 'This should not happen: please report it, with the log.',
  renameCredentialsFile: 'Give the credentials file its .VaultCredentials extension, or choose the file the vault gave you.',
  checkFileAccess: 'Check that the file exists and that your user can read it, then try again.',
  waitAndRetry: 'Wait a few minutes, then try again.',
  freeDiskSpace: 'Free some disk space there, then try again.',
  checkPermissions: 'Give your user access to that folder or file, or run as a user who has it, then try again.',
  chooseInstallFolder: 'Choose an absolute install folder on the server, then try again.',
  installPrerequisites: 'Install what the message names on the server, then try again.',
  choosePassphrase: 'Choose a passphrase of 16 or more printable ASCII characters, or generate one, then try again.',
  choosePassphraseFileLocation: 'Choose another place for the passphrase file, away from the server it protects, then try again.',
  changePassphraseWithSecurityPin: 'Change the passphrase with a security PIN from the vault, or use the passphrase this server was registered with.',
  register: 'Set this server up and register it first.',
  selectCredentials: 'Choose a vault credentials file, then try again.',
  chooseCacheFolder: 'Choose another cache folder (absolute, local, writable, with enough free space), then try again.',
  checkDataFolders: 'Check the paths of the data folders (each must exist and be readable), or give the size of the data in bytes instead, then try again.',
  changeProperties: 'Change at least one property (proxy, cache folder or passphrase).',
  chooseServerName: 'Give the server a name of at most 253 characters without control characters, or none for its host name, then try again.',
  chooseServer: 'Check the server name (host, user@host or user@host:port, or a Host from your ssh config), then try again.',
  checkServerReachable: 'Check that the server is running and that its SSH port can be reached from this machine, then try again.',
  checkHostKey:
    "Ask the server's administrator whether its host key changed. Only if it did, remove the old key from known_hosts (ssh-keygen -R HOST) and connect again.",
  checkSshSignIn: 'Check the user name, the key (in your SSH agent, or its file and passphrase) or the password, then try again.',
  enableSftp: "Enable the SFTP subsystem in the server's sshd_config (Subsystem sftp), then try again.",
  checkSshConfig: "Check this server's entry in your ssh config (its ProxyCommand), for example by running ssh with the same host name, then try again.",
  quietLoginOutput: "Make the server's shell startup files (such as ~/.bashrc) print only in interactive shells, so that commands run over SSH get no other output, then try again.",
  runAsAdministrator: 'Close VS Code, start it again with "Run as administrator", then try again.',
  allowPortForwarding: "Allow remote port forwarding in the server's sshd_config (AllowTcpForwarding yes or remote) and reload sshd, then try again.",
  changeFleet: 'Change the list of servers as the message says, then try again.',
  setFleetConcurrency: 'Set backupAgent.fleet.concurrency within the range the message gives, then try again.',
  moveLocalVaultData: "Move the local vault's data folder aside (its vaults and CA are lost with it), then start the local vault again.",
  stopOtherLocalVault: 'Stop the other vault service that uses this data folder, or wait for it to end, then try again.',
  chooseLocalVaultPort: 'Set backupAgent.localVault.port to a free port (0 picks one), then start the local vault again.',
  signInToAzure: 'Sign in to Azure again (or give a token issued for that Resource Manager endpoint), then try again.',
  askForAzureRole: 'Ask an owner of the vault to give your account the role the message names on the vault, then try again.',
  checkAzureVault: "Check the subscription, resource group and vault names (as the portal shows them) and the Resource Manager endpoint, then try again.",
  getCredentialsFromAzure: 'Get a fresh credentials file from Azure (signed in, with the vault picked), then try again.',
  chooseOutputFolder: 'Choose another folder for the file (one your user can write to), or move the existing file away, then try again.',
  setUpFromVsCode: 'Set this server up from VS Code (Backup Agent Setup), which asks for what its agent needs.',
} as const satisfies Record<NextAction, string>;

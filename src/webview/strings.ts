/**
 * Every text the walkthrough page shows, in English. The host localises each value with
 * vscode.l10n.t (the English text is the bundle key) and sends the table with the handshake, so
 * the page needs no l10n runtime of its own. `{0}`-style placeholders are filled by the page.
 */
export const STRINGS = {
  title: 'Backup Agent Setup',
  intro: 'Set up the backup agent on this server in five steps. Each step shows what the setup checked.',
  loading: 'Loading the setup…',
  stepOf: 'Step {0} of {1}',
  stateDone: 'Done',
  stateTodo: 'To do',
  stateProblem: 'Needs attention',
  stateWorking: 'Working…',
  browse: 'Browse…',
  apply: 'Apply',
  cancel: 'Cancel',
  errorWithCode: '{0} ({1})',
  responseInvalid: 'The extension sent an unexpected answer.',

  targetTitle: 'Server to set up',
  targetLocal: 'This server',
  targetRemote: 'A remote server…',
  targetChooseRemote: 'Choose Another Remote Server…',
  targetCurrentLocal: 'The steps below set up the server this window runs on.',
  targetCurrentRemote: 'The steps below set up {0} over SSH. The passphrase file is saved on this machine.',

  credentialsTitle: 'Vault credentials',
  credentialsHelp: 'Download the vault credentials file from the vault’s “Add server” page, then choose it here.',
  credentialsFile: 'Credentials file',
  credentialsUse: 'Use this file',
  credentialsVault: 'Vault {0} in {1}, subscription {2}',
  credentialsExpires: 'The file expires at {0}: register before then.',

  foldersTitle: 'Install and cache folders',
  foldersHelp: 'The agent installs into the install folder; the cache folder holds the data being sent and needs free space.',
  installFolder: 'Install folder',
  cacheFolder: 'Cache folder',
  dataSize: 'Size of the data to protect (GB, optional)',
  cacheOk: 'The cache folder has {0} free; {1} is needed.',
  cacheOkNoSize: 'The cache folder has {0} free. Give the size of the data to protect to check it against the 5% rule.',
  cacheDefaultUsed: 'No cache folder was given: the default one, {0}, is used.',

  proxyTitle: 'Proxy',
  proxyHelp: 'How this server reaches the vault.',
  proxyMode: 'Connection',
  proxyModeOff: 'Direct (no proxy)',
  proxyModeSettings: 'This proxy',
  proxyModeVscode: 'VS Code’s proxy (http.proxy)',
  proxyModeEnvironment: 'HTTPS_PROXY and NO_PROXY from the environment',
  proxyHost: 'Proxy host',
  proxyPort: 'Port',
  proxyUser: 'User name (optional)',
  proxyPassword: 'Password (kept in the secret storage)',
  proxyPasswordStored: 'A password is stored; leave empty to keep it.',
  proxyNoProxy: 'Bypass the proxy for (comma-separated)',
  proxySave: 'Save proxy',
  proxySaved: 'The proxy settings were saved.',
  connectivityTest: 'Test connectivity',
  connectivityOk: 'The vault is reachable.',
  connectivityStage: 'Stage',
  connectivityStatus: 'Result',
  connectivityTime: 'Time',
  connectivityCode: 'Diagnosis',
  stageOk: 'OK',
  stageFailed: 'Failed',
  stageSkipped: 'Skipped',
  milliseconds: '{0} ms',

  passphraseTitle: 'Encryption passphrase',
  passphraseHelp: 'Backups are encrypted with this passphrase. Keep it outside this server: without it, data cannot be restored.',
  passphraseGenerate: 'Generate a passphrase',
  passphraseOwn: 'Or type your own',
  passphraseUse: 'Use this passphrase',
  passphraseReveal: 'Show passphrase',
  passphraseHide: 'Hide passphrase',
  passphraseCopy: 'Copy to clipboard',
  passphraseCopied: 'The passphrase was copied to the clipboard.',
  passphraseShown: 'Passphrase',
  passphraseSaveFile: 'Save to file',
  passphraseSave: 'Save',
  passphraseSet: 'A passphrase is set ({0}, about {1} bits).',
  passphraseGenerated: 'generated',
  passphraseTyped: 'typed',
  passphraseWeak: 'This passphrase is weak: prefer a generated one.',
  passphraseSavedTo: 'Saved to {0}.',
  passphraseConfirm: 'Before saving the passphrase to {0}:',
  passphraseSaveHere: 'Save Here',
  passphraseNone: 'No passphrase yet.',

  registerTitle: 'Register',
  registerHelp: 'Installs the agent if needed, then registers this server with the vault.',
  registerStart: 'Register this server',
  registerStages: 'Registration progress',
  registerStageCurrent: 'In progress: {0}',

  finishTitle: 'Registered',
  finishVault: 'Vault',
  finishServer: 'Server',
  finishRegistrationId: 'Registration ID',
  finishNotRegistered: 'This server is not registered yet.',
  changeProperties: 'Change Properties',
  refreshStatus: 'Refresh status',
  stateRegistered: 'Registered with {0}.',
  stateRevoked: 'The vault {0} revoked this registration.',
  stateUnreachable: 'The vault {0} did not answer.',

  'stage.validateCredentials': 'Validate the credentials',
  'stage.checkConnectivity': 'Check connectivity',
  'stage.checkCache': 'Check the cache folder',
  'stage.checkPrerequisites': 'Check prerequisites',
  'stage.installAgent': 'Install the agent',
  'stage.savePassphrase': 'Save the passphrase',
  'stage.machineIdentity': 'Create the machine identity',
  'stage.registerWithVault': 'Register with the vault',
  'stage.writeCertificates': 'Write the certificates',
  'stage.writeConfiguration': 'Write the configuration',
  'stage.dns': 'Resolve the name',
  'stage.tcp': 'Connect',
  'stage.proxyConnect': 'Open the proxy tunnel',
  'stage.tls': 'TLS handshake',
  'stage.health': 'Vault health',
} as const;

export type StringKey = keyof typeof STRINGS;
export type StringTable = Record<StringKey, string>;

/** Fills `{0}`, `{1}`… as vscode.l10n.t does; a missing argument leaves its placeholder. */
export function format(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });
}

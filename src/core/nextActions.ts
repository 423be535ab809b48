/**
 * Every next step an error can name (`params.action`): what the user does about it. Each surface
 * turns it into a button that runs the fixing command, or an instruction where none can. No
 * imports: the webview's protocol validates actions against this list.
 */
export const NEXT_ACTIONS = [
  'downloadNewCredentials',
  'checkClock',
  'useCredentialsOfRegisteredVault',
  'unregisterAnotherMachine',
  'generateNewSecurityPin',
  'registerAgain',
  'checkVaultEndpoint',
  'checkNetwork',
  'retryLater',
  'checkProxySettings',
  'checkProxyCredentials',
  'trustVaultCertificate',
  'reportProblem',
  'renameCredentialsFile',
  'checkFileAccess',
  'waitAndRetry',
  'freeDiskSpace',
  'checkPermissions',
  'chooseInstallFolder',
  'installPrerequisites',
  'choosePassphrase',
  'choosePassphraseFileLocation',
  'changePassphraseWithSecurityPin',
  'register',
  'selectCredentials',
  'chooseCacheFolder',
  'checkDataFolders',
  'changeProperties',
  'chooseServer',
  'chooseServerName',
  'checkServerReachable',
  'checkHostKey',
  'checkSshSignIn',
  'enableSftp',
  'checkSshConfig',
  'quietLoginOutput',
  'allowPortForwarding',
  'changeFleet',
  'setFleetConcurrency',
  'moveLocalVaultData',
  'stopOtherLocalVault',
  'chooseLocalVaultPort',
  'signInToAzure',
  'askForAzureRole',
  'checkAzureVault',
  'chooseOutputFolder',
  'getCredentialsFromAzure',
  'setUpFromVsCode',
  'runAsAdministrator',
] as const;
export type NextAction = (typeof NEXT_ACTIONS)[number];

/** The `action` param of a SetupError, checked against NEXT_ACTIONS. */
export function nextStep(action: NextAction): { action: NextAction } {
  return { action };
}

export function isNextAction(value: unknown): value is NextAction {
  return (NEXT_ACTIONS as readonly unknown[]).includes(value);
}

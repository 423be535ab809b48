/** Identifiers shared by the manifest and the adapters. Keep in step with package.json. */
export const COMMANDS = {
  setup: 'backupAgent.setup',
  selectCredentials: 'backupAgent.selectCredentials',
  getCredentialsFromAzure: 'backupAgent.getCredentialsFromAzure',
  signOutOfAzure: 'backupAgent.signOutOfAzure',
  configureProxy: 'backupAgent.configureProxy',
  testConnectivity: 'backupAgent.testConnectivity',
  trustVaultCertificate: 'backupAgent.trustVaultCertificate',
  setCacheFolder: 'backupAgent.setCacheFolder',
  generatePassphrase: 'backupAgent.generatePassphrase',
  enterPassphrase: 'backupAgent.enterPassphrase',
  installAgent: 'backupAgent.installAgent',
  register: 'backupAgent.register',
  showStatus: 'backupAgent.showStatus',
  changeProperties: 'backupAgent.changeProperties',
  unregister: 'backupAgent.unregister',
  openSetupPage: 'backupAgent.openSetupPage',
  startLocalVault: 'backupAgent.startLocalVault',
  stopLocalVault: 'backupAgent.stopLocalVault',
  showLog: 'backupAgent.showLog',
  statusMenu: 'backupAgent.statusMenu',
  registerRemote: 'backupAgent.registerRemote',
  registerServers: 'backupAgent.registerServers',
  showFleetReport: 'backupAgent.showFleetReport',
  cancelFleetServer: 'backupAgent.fleet.cancelServer',
  refreshServers: 'backupAgent.servers.refresh',
  serverShowStatus: 'backupAgent.servers.showStatus',
  serverChangeProperties: 'backupAgent.servers.changeProperties',
  serverUnregister: 'backupAgent.servers.unregister',
  serverRemove: 'backupAgent.servers.remove',
  serverRemoveFromVault: 'backupAgent.servers.removeFromVault',
} as const;

/** The setup page's webview panel type; keep in step with package.json's activation event. */
export const SETUP_PAGE_VIEW_TYPE = 'backupAgent.setupPage';

/** Tree views; keep in step with package.json. */
export const VIEWS = {
  servers: 'backupAgent.servers',
  fleetRun: 'backupAgent.fleetRun',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const STATUS_BAR_ITEM_ID = 'backupAgent.status';
export const CONFIG_SECTION = 'backupAgent';

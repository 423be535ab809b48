/** Identifiers shared by the manifest and the adapters. Keep in step with package.json. */
export const COMMANDS = {
  setup: 'backupAgent.setup',
  selectCredentials: 'backupAgent.selectCredentials',
  configureProxy: 'backupAgent.configureProxy',
  testConnectivity: 'backupAgent.testConnectivity',
  setCacheFolder: 'backupAgent.setCacheFolder',
  generatePassphrase: 'backupAgent.generatePassphrase',
  enterPassphrase: 'backupAgent.enterPassphrase',
  installAgent: 'backupAgent.installAgent',
  register: 'backupAgent.register',
  showStatus: 'backupAgent.showStatus',
  changeProperties: 'backupAgent.changeProperties',
  unregister: 'backupAgent.unregister',
  openWalkthrough: 'backupAgent.openWalkthrough',
  startLocalVault: 'backupAgent.startLocalVault',
  stopLocalVault: 'backupAgent.stopLocalVault',
  showLog: 'backupAgent.showLog',
  statusMenu: 'backupAgent.statusMenu',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const STATUS_BAR_ITEM_ID = 'backupAgent.status';
export const CONFIG_SECTION = 'backupAgent';

/** Identifiers shared by the manifest and the adapters. Keep in step with package.json. */
export const COMMANDS = {
  showLog: 'backupAgent.showLog',
  statusMenu: 'backupAgent.statusMenu',
} as const;

export const STATUS_BAR_ITEM_ID = 'backupAgent.status';
export const CONFIG_SECTION = 'backupAgent';

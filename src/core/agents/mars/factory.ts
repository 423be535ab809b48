/**
 * The MARS driver as the service builds it for a Windows server of an Azure vault: the adapter
 * gives what only it can (the installer route setting, the PIN prompt, the vault's removal), the
 * core the folders from the server's facts and the admin-side download (./fetchInstaller.ts). The driver loads on first use, so the
 * common path does not carry its scripts.
 */
import { defaultFolders } from '../../config/layout';
import type { AgentFactory } from '../choose';
import type { MarsHost, MarsSettings } from './driver';

/** What the adapter supplies for the MARS agent (VS Code: settings backupAgent.mars.*, an input box, the Azure session). */
export interface MarsAdapter extends Pick<MarsHost, 'askSecurityPin' | 'removeAtVault' | 'readAtVault'> {
  settings: Pick<MarsSettings, 'installerRoute' | 'microsoftUpdate' | 'uninstallOnUnregister'>;
}

/** Where the installer is put on the server: kept, since uninstalling runs it again with `/d`. */
const STAGING_FOLDER = 'C:\\ProgramData\\Backup Agent\\installer';

export function marsFactory(adapter: MarsAdapter): AgentFactory {
  return async ({ target, logger }, facts) => {
    const [{ MarsDriver }, { fetchInstaller }] = await Promise.all([import('./driver'), import('./fetchInstaller')]);
    const { settings, ...hooks } = adapter;
    return new MarsDriver({ target, logger, fetchInstaller, ...hooks, settings: { ...settings, cacheFolder: defaultFolders(facts).cacheFolder, stagingFolder: STAGING_FOLDER } });
  };
}

/**
 * A fleet's folders per agent: a Windows and a Linux server share no folder, so a run takes each
 * agent's install and cache folders apart (FleetOptions.foldersFor), each checked by the rule of
 * the systems that agent runs on before any server is asked.
 */
import { SetupError } from '../errors';
import { nextStep } from '../nextActions';
import { isAbsoluteOn } from '../target/paths';
import { agentForPlatform } from '../vault/choose';
import type { AgentKind } from '../vault/kinds';

/** In a fleet's folder, replaced by each server's key, so servers sharing a disk stay apart. */
export const SERVER_TOKEN = '{server}';

/** One agent's folders on its servers; absent: the platform's default (the cache folder's: inside the install folder). */
export interface AgentFolders {
  installFolder?: string;
  cacheFolder?: string;
}

/** `folder` for one server: SERVER_TOKEN replaced by its key, made safe as a folder name. */
export function folderForServer(folder: string | undefined, key: string): string | undefined {
  return folder?.split(SERVER_TOKEN).join(key.replace(/[^\w.-]+/g, '_'));
}

/**
 * Why `folder` cannot be `agent`'s install or cache folder on any of its servers: not absolute on
 * the systems that agent runs on (MARS: a drive path, `C:\…`; the reference agent: a POSIX path),
 * the refusal the server itself would give (InstallFolderNotAbsolute, CacheFolderNotAbsolute).
 */
export function agentFolderProblem(agent: AgentKind, what: keyof AgentFolders, folder: string): SetupError | undefined {
  const pathStyle = agentForPlatform('win32') === agent ? 'win32' : 'posix';
  if (isAbsoluteOn({ pathStyle }, folderForServer(folder, 'server')!)) return undefined;
  const system = pathStyle === 'win32' ? 'Windows' : 'Linux';
  return what === 'installFolder'
    ? new SetupError('InstallFolderNotAbsolute', `The install folder must be an absolute path on ${system}: ${folder}`, { folder, ...nextStep('chooseInstallFolder') })
    : new SetupError('CacheFolderNotAbsolute', `The cache folder must be an absolute path on ${system}: ${folder}`, { folder, ...nextStep('chooseCacheFolder') });
}

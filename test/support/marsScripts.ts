/**
 * Every script the MARS code can generate, one per branch (proxy or not, PIN or not, download
 * route, …), from the values a caller gives it: the places a value enters a script. Used by the
 * syntax, parameter-set, hostile-value, secret and command-line checks (test/unit/mars).
 */
import { moveCacheScript } from '../../src/core/agents/mars/scripts/cache';
import { downloadScript } from '../../src/core/agents/mars/scripts/download';
import { factsScript } from '../../src/core/agents/mars/scripts/facts';
import { installScript, uninstallScript } from '../../src/core/agents/mars/scripts/install';
import { passphraseScript } from '../../src/core/agents/mars/scripts/passphrase';
import { proxyScript } from '../../src/core/agents/mars/scripts/proxy';
import { registerScript, removeRegistrationFolderScript } from '../../src/core/agents/mars/scripts/register';
import { moduleVersionScript, statusScript } from '../../src/core/agents/mars/scripts/status';
import type { PsScript } from '../../src/core/target/powershell/script';

export interface ScriptValues {
  installer: string;
  installFolder: string;
  cacheFolder: string;
  newCacheFolder: string;
  credentialsFileName: string;
  proxyServer: string;
  proxyUsername: string;
  installerUrl: string;
}

export const BENIGN: ScriptValues = {
  installer: 'C:\\Windows\\Temp\\backup-agent-setup\\MARSAgentInstaller.exe',
  installFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent',
  cacheFolder: 'D:\\MARS\\Scratch',
  newCacheFolder: 'E:\\MARS\\Cache',
  credentialsFileName: 'lab1_Wed Jul 22 2020.VaultCredentials',
  proxyServer: 'http://proxy.example.test',
  proxyUsername: 'CONTOSO\\backup',
  installerUrl: 'https://download.example.test/MARSAgentInstaller.exe',
};

const FOLDER = 'backup-agent-setup-0f8fad5b-d9cb-469f-a165-70867728950e';

/** Every script the MARS code makes from `values`, one per branch, named for the branch. */
export function allMarsScripts(v: ScriptValues = BENIGN): Array<{ name: string; script: PsScript }> {
  const scripts: Array<{ name: string; script: PsScript }> = [];
  for (const microsoftUpdate of [false, true]) {
    scripts.push({ name: `install${microsoftUpdate ? ' /m' : ''}`, script: installScript({ installer: v.installer, installFolder: v.installFolder, cacheFolder: v.cacheFolder, microsoftUpdate }) });
  }
  scripts.push({ name: 'uninstall', script: uninstallScript(v.installer) });
  scripts.push({ name: 'download direct', script: downloadScript(v.installerUrl, v.installer, { kind: 'none' }) });
  scripts.push({ name: 'download via proxy', script: downloadScript(v.installerUrl, v.installer, { kind: 'proxy', server: v.proxyServer, port: 3128, password: false }) });
  scripts.push({ name: 'download via proxy with credentials', script: downloadScript(v.installerUrl, v.installer, { kind: 'proxy', server: v.proxyServer, port: 3128, username: v.proxyUsername, password: true }) });
  scripts.push({ name: 'facts', script: factsScript(v.cacheFolder) });
  scripts.push({ name: 'module version', script: moduleVersionScript(v.installFolder) });
  scripts.push({ name: 'register', script: registerScript(v.installFolder, { folderName: FOLDER, fileName: v.credentialsFileName }) });
  scripts.push({ name: 'remove registration folder', script: removeRegistrationFolderScript({ folderName: FOLDER, fileName: v.credentialsFileName }) });
  for (const securityPin of [true, false]) {
    scripts.push({ name: `passphrase${securityPin ? ' with PIN' : ' without PIN'}`, script: passphraseScript(v.installFolder, { securityPin }) });
  }
  scripts.push({ name: 'no proxy', script: proxyScript(v.installFolder, { kind: 'none' }) });
  scripts.push({ name: 'proxy', script: proxyScript(v.installFolder, { kind: 'proxy', server: v.proxyServer, port: 3128, password: false }) });
  scripts.push({ name: 'proxy with user', script: proxyScript(v.installFolder, { kind: 'proxy', server: v.proxyServer, port: 3128, username: v.proxyUsername, password: false }) });
  scripts.push({ name: 'proxy with credentials', script: proxyScript(v.installFolder, { kind: 'proxy', server: v.proxyServer, port: 3128, username: v.proxyUsername, password: true }) });
  scripts.push({ name: 'move cache', script: moveCacheScript(v.cacheFolder, v.newCacheFolder) });
  scripts.push({ name: 'status', script: statusScript(v.installFolder) });
  return scripts;
}

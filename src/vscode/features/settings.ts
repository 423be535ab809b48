/**
 * The extension's settings, read in one typed place. Writes go to the user (Global) settings only:
 * every setting is machine-scoped, and a workspace must never carry them. The proxy password is
 * not a setting: it lives in SecretStorage.
 */
import * as vscode from 'vscode';
import type { ProxyContext, ProxyMode } from '../../core/service';
import { CONFIG_SECTION } from '../ids';

export interface ProxySettingValues {
  mode: ProxyMode;
  host: string;
  port: number;
  user: string;
  noProxy: string[];
}

export interface Settings {
  /** Empty: the platform's default. */
  installFolder: string;
  /** Empty: the default under the install folder. */
  cacheFolder: string;
  proxy: ProxySettingValues;
  localVaultPort: number;
  healthCheckIntervalSeconds: number;
  /** "host:port" of a vault endpoint → the PEM file of the CA trusted for it (instead of the system's store). */
  trustedCertificates: Record<string, unknown>;
  ssh: SshSettingValues;
  fleetConcurrency: number;
  mars: MarsSettingValues;
}

export interface MarsSettingValues {
  /** Who downloads MARSAgentInstaller.exe: the server, or this computer (then uploads it). */
  installerDownload: 'server' | 'admin';
  /** The installer's `/m`: opt in to Microsoft Update. */
  microsoftUpdate: boolean;
}

export interface SshSettingValues {
  /** Empty: ~/.ssh/config. */
  configFile: string;
  /** Empty: ~/.ssh/known_hosts. */
  knownHostsFile: string;
  /** Reach SSH servers through the configured HTTP proxy (CONNECT). */
  useProxy: boolean;
}

const config = () => vscode.workspace.getConfiguration(CONFIG_SECTION);

export function readSettings(): Settings {
  const c = config();
  return {
    installFolder: c.get<string>('installFolder', '').trim(),
    cacheFolder: c.get<string>('cacheFolder', '').trim(),
    proxy: {
      mode: c.get<ProxyMode>('proxy.mode', 'off'),
      host: c.get<string>('proxy.host', ''),
      port: c.get<number>('proxy.port', 3128),
      user: c.get<string>('proxy.user', ''),
      noProxy: c.get<string[]>('proxy.noProxy', []),
    },
    localVaultPort: c.get<number>('localVault.port', 8443),
    healthCheckIntervalSeconds: c.get<number>('statusBar.healthCheckIntervalSeconds', 60),
    trustedCertificates: c.get<Record<string, unknown>>('vault.trustedCertificates', {}),
    ssh: {
      configFile: c.get<string>('ssh.configFile', '').trim(),
      knownHostsFile: c.get<string>('ssh.knownHostsFile', '').trim(),
      useProxy: c.get<boolean>('ssh.useProxy', false),
    },
    fleetConcurrency: c.get<number>('fleet.concurrency', 8),
    mars: {
      installerDownload: c.get<string>('mars.installerDownload', 'server') === 'admin' ? 'admin' : 'server',
      microsoftUpdate: c.get<boolean>('mars.microsoftUpdate', false),
    },
  };
}

type SettingKey = 'installFolder' | 'cacheFolder' | 'proxy.mode' | 'proxy.host' | 'proxy.port' | 'proxy.user' | 'proxy.noProxy';

/** Writes a user setting; an empty string or undefined falls back to the default. */
export async function writeSetting(key: SettingKey, value: unknown): Promise<void> {
  await config().update(key, value === '' ? undefined : value, vscode.ConfigurationTarget.Global);
}

export const TRUSTED_CERTIFICATES_SETTING = `${CONFIG_SECTION}.vault.trustedCertificates`;

/** Trusts the CA in `file` for `endpoint` ("host:port"), keeping the user's other entries. */
export async function writeTrustedCertificate(endpoint: string, file: string): Promise<void> {
  const current = config().inspect<Record<string, unknown>>('vault.trustedCertificates')?.globalValue ?? {};
  await config().update('vault.trustedCertificates', { ...current, [endpoint]: file }, vscode.ConfigurationTarget.Global);
}

export async function writeProxySettings(proxy: ProxySettingValues): Promise<void> {
  await writeSetting('proxy.mode', proxy.mode === 'off' ? undefined : proxy.mode);
  await writeSetting('proxy.host', proxy.host);
  await writeSetting('proxy.port', proxy.port === 3128 ? undefined : proxy.port);
  await writeSetting('proxy.user', proxy.user);
  await writeSetting('proxy.noProxy', proxy.noProxy.length ? proxy.noProxy : undefined);
}

/** VS Code's own proxy settings and the environment, for the `vscode` and `environment` proxy modes. */
export function proxyContext(): ProxyContext {
  const http = vscode.workspace.getConfiguration('http');
  return {
    vscodeHttpProxy: http.get<string>('proxy') || undefined,
    vscodeNoProxy: http.get<string[]>('noProxy', []),
    vscodeProxyAuthorization: http.get<string>('proxyAuthorization') || undefined,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    env: process.env,
  };
}

const PROXY_PASSWORD_KEY = 'backupAgent.proxy.password';

/** The proxy password in SecretStorage (on the client machine), never in settings. */
export const proxyPassword = {
  get: (secrets: vscode.SecretStorage) => secrets.get(PROXY_PASSWORD_KEY),
  set: (secrets: vscode.SecretStorage, value: string | undefined) => (value ? secrets.store(PROXY_PASSWORD_KEY, value) : secrets.delete(PROXY_PASSWORD_KEY)),
};

/**
 * The proxy as the agent applies it, and back. VS Code's proxy is resolved at setup time into
 * an explicit one (the agent does not run inside VS Code); the password never enters the
 * configuration: it goes to its own 0600 file, which the configuration names.
 */
import type { AgentProxy } from '../config/agentConfig';
import type { AgentLayout } from '../config/layout';
import { SetupError } from '../errors';
import { parseNoProxyEntry } from '../proxy/noProxy';
import { parseProxyUrl, type ProxyContext } from '../proxy/resolve';
import { Secret } from '../secret';
import { parseProxySettings, type ProxySettings } from '../proxy/settings';
import { removeOnTarget, writeTargetFile } from '../target/files';
import type { Target } from '../target/target';
import { nextStep } from '../registration/errors';

export interface AgentProxyPlan {
  proxy: AgentProxy;
  /** For `proxy.passwordFile`. */
  password?: Secret;
}

const DEFAULT_PORT = 3128;

export function agentProxyFor(settings: ProxySettings, layout: AgentLayout, context: ProxyContext = {}): AgentProxyPlan {
  const none = { host: '', port: settings.port || DEFAULT_PORT, user: '', noProxy: [], passwordFile: null };
  switch (settings.mode) {
    case 'off':
      return { proxy: { mode: 'off', ...none } };
    case 'environment':
      return { proxy: { mode: 'environment', ...none } };
    case 'settings':
      return explicit(layout, settings.host, settings.port, settings.user, settings.noProxy, settings.password);
    case 'vscode': {
      // VS Code falls back to the environment when http.proxy is empty; so does the agent.
      if (!context.vscodeHttpProxy?.trim()) return { proxy: { mode: 'environment', ...none } };
      const endpoint = parseProxyUrl(context.vscodeHttpProxy, context.vscodeProxyAuthorization);
      const basic = endpoint.authorization && basicCredentials(endpoint.authorization);
      if (endpoint.authorization && !basic) {
        throw new SetupError('ProxyAuthorizationUnsupported', "VS Code's proxy authorization is not user name and password; the agent cannot use it. Set the proxy in this extension's settings.", {
          ...nextStep('checkProxySettings'),
        });
      }
      return explicit(layout, endpoint.host, endpoint.port, basic?.user ?? endpoint.username ?? '', validNoProxy(context.vscodeNoProxy), basic?.password);
    }
  }
}

/** The plan as the agent receives it: the proxy the admin decided, and its password when there is one. */
export function agentProxyPlan(proxy: AgentProxy, password: Secret | undefined): AgentProxyPlan {
  return { proxy, ...(password ? { password } : {}) };
}

function explicit(layout: AgentLayout, host: string, port: number, user: string, noProxy: string[], password: Secret | undefined): AgentProxyPlan {
  const withPassword = password !== undefined && password.reveal() !== '';
  return {
    proxy: { mode: 'explicit', host, port, user, noProxy, passwordFile: withPassword ? layout.proxyPasswordFile : null },
    ...(withPassword ? { password } : {}),
  };
}

/** VS Code's list is not validated; entries the settings schema would refuse are dropped, as curl ignores them. */
function validNoProxy(list: readonly string[] = []): string[] {
  return list.filter((entry) => parseNoProxyEntry(entry) !== undefined);
}

/** User and password from a `Basic` Proxy-Authorization value. */
function basicCredentials(authorization: Secret): { user: string; password: Secret } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.reveal().trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: new Secret(decoded.slice(colon + 1)) };
}

/**
 * The stored proxy as settings, for everything that calls the vault for an installed agent: the
 * agent itself, and this service's status, unregister and change.
 */
export async function proxySettingsFromConfig(target: Target, proxy: AgentProxy): Promise<ProxySettings> {
  const password = proxy.mode === 'explicit' && proxy.passwordFile ? await readProxyPasswordFile(target, proxy.passwordFile) : undefined;
  return proxySettingsWith(proxy, password);
}

/** The agent's proxy as settings, with its password when it has one. */
export function proxySettingsWith(proxy: AgentProxy, password: Secret | undefined): ProxySettings {
  if (proxy.mode !== 'explicit') return parseProxySettings({ mode: proxy.mode });
  return parseProxySettings({ mode: 'settings', host: proxy.host, port: proxy.port, user: proxy.user, noProxy: proxy.noProxy, password });
}

const MAX_PASSWORD_BYTES = 4096;

/** The password, straight into a Secret. A file others can read is refused, as ssh refuses such a key. */
async function readProxyPasswordFile(target: Target, file: string): Promise<Secret> {
  const stat = await target.stat(file);
  if (stat?.kind !== 'file') {
    throw new SetupError('AgentProxyPasswordFileMissing', `The proxy password file ${file} is missing.`, { file, ...nextStep('registerAgain') });
  }
  if (target.pathStyle === 'posix' && !stat.private) {
    throw new SetupError(
      'AgentProxyPasswordFileUnsafe',
      `The proxy password file ${file} can be read by other users: make it readable by its owner only (0600).`,
      { file, ...nextStep('checkPermissions') },
    );
  }
  const text = (await target.readFile(file, MAX_PASSWORD_BYTES)).toString('utf8');
  return new Secret(text.replace(/\r?\n$/, ''));
}

/** Writes the password file the configuration is about to name (before the configuration, so it never names a missing file). */
export async function storeProxyPassword(target: Target, plan: AgentProxyPlan): Promise<void> {
  if (plan.password && plan.proxy.passwordFile) await writeTargetFile(target, plan.proxy.passwordFile, plan.password.reveal(), { private: true });
}

/** After a configuration without a password is in place, its old password file goes. */
export async function dropUnusedProxyPassword(target: Target, layout: AgentLayout, proxy: AgentProxy): Promise<void> {
  if (proxy.passwordFile === null) await removeOnTarget(target, layout.proxyPasswordFile);
}

/**
 * The proxy the agent reaches the vault through, from its configuration: explicit (host, port,
 * user, and the password from its 0600 file), the environment (HTTPS_PROXY, NO_PROXY), or none.
 * The decision itself is the core's resolveProxy, the same the extension uses.
 */
import type { AgentProxy } from '../core/config/agentConfig';
import { SetupError } from '../core/errors';
import { resolveProxy, type ProxyResolution } from '../core/proxy/resolve';
import { Secret } from '../core/proxy/secret';
import { parseProxySettings, type ProxySettingsInput } from '../core/proxy/settings';
import type { Target } from '../core/target/target';

const MAX_PASSWORD_BYTES = 4096;

export async function agentProxy(target: Target, proxy: AgentProxy, endpoint: string, env: NodeJS.ProcessEnv = process.env): Promise<ProxyResolution> {
  let input: ProxySettingsInput;
  if (proxy.mode === 'explicit') {
    const password = proxy.passwordFile ? await readPasswordFile(target, proxy.passwordFile) : undefined;
    input = { mode: 'settings', host: proxy.host, port: proxy.port, user: proxy.user, password, noProxy: proxy.noProxy };
  } else {
    input = { mode: proxy.mode };
  }
  return resolveProxy(parseProxySettings(input), endpoint, { env });
}

/** The password, straight into a Secret. A file others can read is refused, as ssh refuses such a key. */
async function readPasswordFile(target: Target, file: string): Promise<Secret> {
  const stat = await target.stat(file);
  if (stat?.kind !== 'file') {
    throw new SetupError('AgentProxyPasswordFileMissing', `The proxy password file ${file} is missing.`, { file });
  }
  if (target.pathStyle === 'posix' && (stat.mode & 0o077) !== 0) {
    throw new SetupError(
      'AgentProxyPasswordFileUnsafe',
      `The proxy password file ${file} can be read by other users (mode ${stat.mode.toString(8)}): make it 0600.`,
      { file, mode: stat.mode.toString(8) },
    );
  }
  const text = (await target.readFile(file, MAX_PASSWORD_BYTES)).toString('utf8');
  return new Secret(text.replace(/\r?\n$/, ''));
}

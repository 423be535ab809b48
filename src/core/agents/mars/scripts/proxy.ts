/** The agent's proxy: server and port (and user) as literals, the password from stdin as a SecureString. */
import { ps, psLines, type PsCode } from '../../../target/powershell/code';
import { psScript, stdinVar, type PsScript, type StdinKind } from '../../../target/powershell/script';
import { importMarsModule } from './module';

export type MarsProxy = { kind: 'none' } | { kind: 'proxy'; server: string; port: number; username?: string; password: boolean };

function proxySetting(proxy: MarsProxy): PsCode {
  if (proxy.kind === 'none') return ps`Set-OBMachineSetting -NoProxy`;
  if (!Number.isInteger(proxy.port) || proxy.port < 1 || proxy.port > 65535) {
    throw Object.assign(new Error(`Not a proxy port: ${proxy.port}`), { code: 'EINVAL' });
  }
  if (proxy.password && proxy.username === undefined) throw Object.assign(new Error('A proxy password needs a user name'), { code: 'EINVAL' });
  const user = proxy.username === undefined ? ps`` : ps` -ProxyUsername ${proxy.username}`;
  const password = proxy.password ? ps` -ProxyPassword ${stdinVar('proxyPassword')}` : ps``;
  return ps`Set-OBMachineSetting -ProxyServer ${proxy.server} -ProxyPort ${proxy.port}${user}${password}`;
}

export function proxyScript(installFolder: string, proxy: MarsProxy): PsScript {
  const stdin: Record<string, StdinKind> = proxy.kind === 'proxy' && proxy.password ? { proxyPassword: 'secure' } : {};
  return psScript(psLines(importMarsModule(installFolder), proxySetting(proxy)), stdin);
}

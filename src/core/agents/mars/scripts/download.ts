/**
 * The server fetches MARSAgentInstaller.exe itself (the "server" download route): TLS 1.2 (agent
 * facts §3), through the proxy the agent will use, whose password comes on stdin and becomes a
 * PSCredential's SecureString, never a literal.
 */
import { ps, type PsCode } from '../../../target/powershell/code';
import { psScript, stdinVar, type PsScript, type StdinKind } from '../../../target/powershell/script';
import { requireLocalWindowsPath } from './folders';
import type { MarsProxy } from './proxy';

function requireHttps(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw Object.assign(new Error(`Not a URL: ${url}`), { code: 'EINVAL' });
  }
  if (parsed.protocol !== 'https:') throw Object.assign(new Error(`The installer is fetched over https only, not ${url}`), { code: 'EINVAL' });
  return url;
}

function proxyArguments(proxy: MarsProxy): PsCode {
  if (proxy.kind === 'none') return ps``;
  // The server's name stays one literal of its own; the scheme and port are joined to it in PowerShell.
  const scheme = proxy.server.includes('://') ? ps`` : ps`'http://' + `;
  const url = ps`(${scheme}${proxy.server} + ${`:${proxy.port}`})`;
  if (!proxy.password) return ps` -Proxy ${url}`;
  if (proxy.username === undefined) throw Object.assign(new Error('A proxy password needs a user name'), { code: 'EINVAL' });
  return ps` -Proxy ${url} -ProxyCredential (New-Object System.Management.Automation.PSCredential -ArgumentList ${proxy.username}, ${stdinVar('proxyPassword')})`;
}

export function downloadScript(url: string, destination: string, proxy: MarsProxy): PsScript {
  const target = requireLocalWindowsPath(destination, 'The installer');
  const stdin: Record<string, StdinKind> = proxy.kind === 'proxy' && proxy.password ? { proxyPassword: 'secure' } : {};
  return psScript(
    ps`[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
$destination = ${target}
New-Item -ItemType Directory -Path (Split-Path -Path $destination -Parent) -Force | Out-Null
Invoke-WebRequest -Uri ${requireHttps(url)} -OutFile $destination -UseBasicParsing${proxyArguments(proxy)}
$data = @{ bytes = (Get-Item -LiteralPath $destination).Length }`,
    stdin,
  );
}

/**
 * The SSH target's refusals as SetupErrors: one English default text per code, built from the
 * params (host names, ports, file names, method names — never a secret). Adapters localise by
 * code and params. HostKeyChanged carries OpenSSH's own warning, built in knownHosts.ts.
 */
import { SetupError, type ErrorParams } from '../../errors';
import { SshCode } from './types';

const where = (p: ErrorParams) => (p.port !== undefined && p.port !== 22 ? `${p.host}:${p.port}` : `${p.host}`);

const TEXTS: Record<Exclude<SshCode, 'SshHostKeyChanged'>, (p: ErrorParams) => string> = {
  [SshCode.InvalidDestination]: (p) => `"${p.destination}" is not a usable SSH destination: ${p.reason}. Use host, user@host or user@host:port, or a Host alias from your ssh config.`,
  [SshCode.ConnectFailed]: (p) => `Could not connect to ${where(p)}${p.via ? ` (via ${p.via})` : ''}: ${p.reason}. Check the host name, the port and that sshd is running and reachable.`,
  [SshCode.HostKeyNotTrusted]: (p) => `The host key of ${where(p)} (${p.keyType} ${p.fingerprint}) was not trusted, so no connection was made.`,
  [SshCode.AuthenticationFailed]: (p) =>
    `${p.user}@${where(p)} refused every authentication method tried (${p.tried || 'none'}); the server accepts: ${p.offered || 'unknown'}. Check the user name, the key's authorized_keys entry or the password.`,
  [SshCode.KeyUnusable]: (p) => `The key file ${p.keyFile} cannot be used: ${p.reason}.`,
  [SshCode.ConnectionLost]: (p) => `The SSH connection to ${where(p)} was lost${p.during ? ` during ${p.during}` : ''}. Check that the server is up, then run the step again.`,
  [SshCode.ShellUnsupported]: (p) =>
    `${where(p)} runs a shell this setup does not support yet (\`uname -s\` answered: ${p.reason}). Servers with a POSIX shell (Linux, macOS, BSD) or Windows with Windows PowerShell can be set up over SSH: choose another server.`,
  [SshCode.LoginWritesOutput]: (p) =>
    `${where(p)} writes "${p.output}" before the output of every command run over SSH (its shell's startup files do), so no command's answer can be read. Make them print only in interactive shells.`,
  [SshCode.SftpUnavailable]: (p) => `${where(p)} offers no SFTP subsystem (${p.reason}). Enable "Subsystem sftp" in its sshd_config.`,
  [SshCode.ProxyCommandFailed]: (p) =>
    `The ProxyCommand for ${where(p)} ended before the SSH handshake (${p.reason}). The last it wrote on its error output: ${p.stderr}. Check the ProxyCommand of this host in your ssh config.`,
  [SshCode.ForwardRefused]: (p) =>
    `${where(p)} refused to forward a port back to this machine (${p.reason}), so it cannot reach ${p.address}. Allow remote forwarding in its sshd_config (AllowTcpForwarding yes or remote), or use an address the server can reach.`,
};

export function sshError(code: Exclude<SshCode, 'SshHostKeyChanged'>, params: ErrorParams, cause?: unknown): SetupError {
  return new SetupError(code, TEXTS[code](params), params, cause === undefined ? undefined : { cause });
}

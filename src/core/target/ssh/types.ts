/**
 * The SSH target's contract: where a server is (a destination, from ~/.ssh/config or typed as
 * user@host:port), how the admin is asked for what only they know (trusting a new host key, a
 * key's passphrase, a password), and the options a connection takes. Adapters supply the prompts.
 */
import type { Logger } from '../../log';
import type { ProxyEndpoint } from '../../proxy/resolve';
import type { Secret } from '../../secret';

export interface SshDestination {
  /** The name the admin used: a `Host` alias from ssh config, or the typed text. */
  name: string;
  /** HostName: a DNS name or an IP address (IPv6 without brackets). */
  host: string;
  port: number;
  user: string;
  /** IdentityFile entries, `~` expanded, in order. */
  identityFiles: string[];
  /** ProxyJump hops, first hop first (each resolved through ssh config too). */
  jumps: SshDestination[];
  /** ProxyCommand, tokens expanded: run with `sh -c`, its stdin and stdout carry the connection. */
  proxyCommand?: string;
}

/** What the admin is shown before trusting a host key that known_hosts does not have. */
export interface HostKeyInfo {
  /** `host` or `[host]:port`, as known_hosts names it. */
  hostPattern: string;
  keyType: string;
  /** `SHA256:…`, as OpenSSH prints it. */
  fingerprint: string;
}

export interface SshPrompts {
  /** true: trust the key and add it to known_hosts. */
  trustNewHost(info: HostKeyInfo, signal?: AbortSignal): Promise<boolean>;
  /** The passphrase of an encrypted key file; undefined skips that key. */
  keyPassphrase(keyFile: string, signal?: AbortSignal): Promise<Secret | undefined>;
  /** A password for user@host; undefined gives up on password authentication. */
  password(destination: SshDestination, signal?: AbortSignal): Promise<Secret | undefined>;
}

export interface SshConnectOptions {
  prompts: SshPrompts;
  /** known_hosts files checked in order; new keys are added to the first. Default ~/.ssh/known_hosts. */
  knownHostsFiles?: string[];
  /** The agent socket (SSH_AUTH_SOCK); no agent when absent. */
  agentSocket?: string;
  /** Connect through this HTTP proxy with CONNECT (the setup's effective proxy, when the admin asks). */
  proxy?: ProxyEndpoint;
  /** TCP + SSH handshake; default 20 s. */
  readyTimeoutMs?: number;
  logger: Logger;
  signal?: AbortSignal;
}

/** Stable codes of the SSH target's refusals (SetupError codes; adapters localise them). */
export const SshCode = {
  /** The destination text or ssh config entry cannot be used. */
  InvalidDestination: 'SshInvalidDestination',
  /** TCP connection refused / unreachable / DNS failure / time-out. */
  ConnectFailed: 'SshConnectFailed',
  /** The admin declined to trust a new host key. */
  HostKeyNotTrusted: 'SshHostKeyNotTrusted',
  /** known_hosts has another key for this host: OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED!". */
  HostKeyChanged: 'SshHostKeyChanged',
  /** Every offered method (agent, keys, password) was refused. */
  AuthenticationFailed: 'SshAuthenticationFailed',
  /** A key file could not be read or decrypted. */
  KeyUnusable: 'SshKeyUnusable',
  /** The connection dropped during an operation. */
  ConnectionLost: 'SshConnectionLost',
  /** The server offers no sftp subsystem. */
  SftpUnavailable: 'SshSftpUnavailable',
  /** The ssh config's ProxyCommand ended before the SSH handshake. */
  ProxyCommandFailed: 'SshProxyCommandFailed',
  /** The server refused to forward a port of its own back to this machine (remote forwarding). */
  ForwardRefused: 'SshForwardRefused',
  /** The server's shell answered neither as a POSIX shell nor as Windows PowerShell does: no remote-shell strategy for it. */
  ShellUnsupported: 'SshShellUnsupported',
  /** The login shell's startup files write to the output of every command, before the command's own. */
  LoginWritesOutput: 'SshLoginWritesOutput',
} as const;
export type SshCode = (typeof SshCode)[keyof typeof SshCode];

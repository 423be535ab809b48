/**
 * Client authentication as OpenSSH's client does it, driven through ssh2's authHandler: ask
 * with "none" to learn the server's methods, then the agent, then each identity file (asking
 * for an encrypted key's passphrase, once more when it is wrong), then a password while the
 * server offers one. Secrets reach ssh2 only as the auth attempt itself.
 */
import { promises as fs } from 'node:fs';
import { utils, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';
import { CancelledError } from '../../errors';
import type { Logger } from '../../log';
import { sshError } from './errors';
import { SshCode, type SshConnectOptions, type SshDestination } from './types';

/** OpenSSH's NumberOfPasswordPrompts. */
const PASSWORD_PROMPTS = 3;

export interface Authenticator {
  handler: AuthHandlerMiddleware;
  /** Methods tried so far, e.g. `agent, publickey /root/.ssh/id_ed25519, password`. */
  tried(): string;
  /** What the server last said it accepts. */
  offered(): string;
  /** Whether authentication began (the host key was accepted). */
  started(): boolean;
  /** Why authentication stopped early (a key that cannot be used, a cancelled prompt). */
  failure(): Error | undefined;
}

function firstKey(parsed: ParsedKey | ParsedKey[]): ParsedKey | undefined {
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

/**
 * The private key in `file`, decrypted with a passphrase from the admin when it is encrypted;
 * undefined when the file is absent, is no private key, or the admin declined to unlock it.
 */
async function loadKey(file: string, options: SshConnectOptions, prompt: <T>(p: Promise<T>) => Promise<T>): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') options.logger.warn(`SSH: key file ${file} cannot be read (${code}); skipped.`);
    return undefined;
  }
  const plain = utils.parseKey(data);
  if (!(plain instanceof Error)) return usable(firstKey(plain), file, options.logger);
  if (!/no passphrase given/i.test(plain.message)) {
    options.logger.warn(`SSH: ${file} is not a private key this client can read; skipped.`);
    return undefined;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const passphrase = await prompt(options.prompts.keyPassphrase(file, options.signal));
    if (!passphrase) return undefined;
    const parsed = utils.parseKey(data, passphrase.reveal());
    if (!(parsed instanceof Error)) return usable(firstKey(parsed), file, options.logger);
  }
  throw sshError(SshCode.KeyUnusable, { keyFile: file, reason: 'the passphrase was wrong twice' });
}

function usable(key: ParsedKey | undefined, file: string, logger: Logger): ParsedKey | undefined {
  if (key?.isPrivateKey()) return key;
  logger.warn(`SSH: ${file} holds no private key; skipped.`);
  return undefined;
}

/** `prompt` wraps every question to the admin (so connect time-outs stop while they think). */
export function createAuthenticator(destination: SshDestination, options: SshConnectOptions, prompt: <T>(p: Promise<T>) => Promise<T>): Authenticator {
  const username = destination.user;
  const tried: string[] = [];
  let offered: AuthenticationType[] | undefined;
  let agentTried = false;
  let nextKey = 0;
  let passwordsAsked = 0;
  let failure: Error | undefined;
  let started = false;

  const pick = async (): Promise<AnyAuthMethod | false> => {
    const can = (method: AuthenticationType) => offered?.includes(method) ?? false;
    if (options.agentSocket && !agentTried && can('publickey')) {
      agentTried = true;
      tried.push('agent');
      return { type: 'agent', username, agent: options.agentSocket };
    }
    while (nextKey < destination.identityFiles.length && can('publickey')) {
      const file = destination.identityFiles[nextKey++];
      const key = await loadKey(file, options, prompt);
      if (key) {
        tried.push(`publickey ${file}`);
        return { type: 'publickey', username, key };
      }
    }
    if (can('password') && passwordsAsked < PASSWORD_PROMPTS) {
      passwordsAsked++;
      const password = await prompt(options.prompts.password(destination, options.signal));
      if (!password) return false;
      tried.push('password');
      return { type: 'password', username, password: password.reveal() };
    }
    return false;
  };

  const handler: AuthHandlerMiddleware = (methodsLeft, _partialSuccess, nextAuth) => {
    // ssh2 takes `false` for "no more methods" (client.js doNextAuth); its types omit it.
    const next = nextAuth as (method: AnyAuthMethod | false) => void;
    started = true;
    if (methodsLeft === null) return next({ type: 'none', username });
    offered = methodsLeft;
    if (options.signal?.aborted) {
      failure = new CancelledError();
      return next(false);
    }
    pick().then(next, (err: Error) => {
      failure = err;
      next(false);
    });
  };

  return {
    handler,
    tried: () => [...new Set(tried)].join(', '),
    offered: () => (offered ?? []).join(', '),
    started: () => started,
    failure: () => failure,
  };
}

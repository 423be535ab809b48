/**
 * Where the CLI takes secrets from: the environment or stdin, never the arguments. With several
 * of `--passphrase-stdin`, `--proxy-password-stdin`, `--token-stdin` and `--security-pin-stdin`,
 * stdin's lines are the passphrase, the proxy password, the Azure access token and the vault's
 * security PIN, in that order. A PIN not given there is asked on the terminal (readHiddenLine).
 */
import { promises as fs } from 'node:fs';
import { CancelledError } from '../core/errors';
import { Secret } from '../core/secret';
import { UsageError } from './args';
import { say, type CliStringKey } from './strings';

export const PASSPHRASE_ENV = 'BACKUP_PASSPHRASE';
export const PROXY_PASSWORD_ENV = 'BACKUP_PROXY_PASSWORD';
export const VAULT_CA_ENV = 'BACKUP_VAULT_CA';

/** Stdin is a secret's channel here: a few KiB at most. */
const MAX_STDIN_BYTES = 64 * 1024;

export interface CliSecrets {
  passphrase?: Secret;
  proxyPassword?: Secret;
  /** An access token for the Resource Manager (stdin only). */
  token?: Secret;
  /** A MARS vault's security PIN (stdin only). */
  securityPin?: Secret;
}

export async function readSecrets(
  wants: { passphraseStdin: boolean; proxyPasswordStdin: boolean; tokenStdin?: boolean; securityPinStdin?: boolean },
  env: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadableStream,
): Promise<CliSecrets> {
  const lines = wants.passphraseStdin || wants.proxyPasswordStdin || wants.tokenStdin || wants.securityPinStdin ? await readLines(stdin) : [];
  const fromStdin = (wanted: boolean, expected: CliStringKey): Secret | undefined => {
    if (!wanted) return undefined;
    const line = lines.shift();
    if (line === undefined) throw new UsageError(say(expected));
    return new Secret(line);
  };
  const passphrase = fromStdin(wants.passphraseStdin, 'expectedPassphrase') ?? fromEnv(env, PASSPHRASE_ENV);
  const proxyPassword = fromStdin(wants.proxyPasswordStdin, 'expectedProxyPassword') ?? fromEnv(env, PROXY_PASSWORD_ENV);
  const token = fromStdin(wants.tokenStdin === true, 'expectedToken');
  if (token && !token.reveal().trim()) throw new UsageError(say('emptyToken'));
  const pin = fromStdin(wants.securityPinStdin === true, 'expectedSecurityPin');
  if (pin && !pin.reveal().trim()) throw new UsageError(say('emptySecurityPin'));
  return {
    ...(passphrase ? { passphrase } : {}),
    ...(proxyPassword ? { proxyPassword } : {}),
    ...(token ? { token: new Secret(token.reveal().trim()) } : {}),
    ...(pin ? { securityPin: new Secret(pin.reveal().trim()) } : {}),
  };
}

/** A terminal's stdin, which can be read a key at a time without echo. */
type TerminalInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/**
 * Asks `question` on stderr and reads one line from the terminal without echoing it (a password
 * prompt); undefined when stdin is not a terminal (piped: the secret's flag is the way then).
 * Ctrl+C cancels.
 */
export async function readHiddenLine(question: string, stdin: TerminalInput, stderr: (text: string) => void, signal?: AbortSignal): Promise<Secret | undefined> {
  if (!stdin.isTTY || !stdin.setRawMode) return undefined;
  stderr(`${question}\n> `);
  stdin.setRawMode(true);
  stdin.resume();
  let typed = '';
  try {
    return await new Promise<Secret | undefined>((resolve, reject) => {
      const done = (result: Secret | undefined | Error) => {
        stdin.off('data', onData);
        signal?.removeEventListener('abort', onAbort);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onAbort = () => done(new CancelledError());
      const onData = (chunk: Buffer | string) => {
        for (const ch of chunk.toString()) {
          if (ch === '\u0003') return done(new CancelledError());
          if (ch === '\r' || ch === '\n') return done(typed.trim() ? new Secret(typed.trim()) : undefined);
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      stdin.on('data', onData);
    });
  } finally {
    typed = '';
    stdin.setRawMode(false);
    stdin.pause();
    stderr('\n');
  }
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): Secret | undefined {
  const value = env[name];
  return value ? new Secret(value) : undefined;
}

async function readLines(stdin: NodeJS.ReadableStream): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError(say('stdinTooLarge'));
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** The vault CA from --ca FILE, else BACKUP_VAULT_CA (a file, or the PEM text itself). */
export async function readTrustedCa(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const source = file ?? env[VAULT_CA_ENV];
  if (!source) return undefined;
  if (source.includes('-----BEGIN CERTIFICATE-----')) return source;
  try {
    const pem = await fs.readFile(source, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(say('caNotPem', source), 'CliCaInvalid');
    return pem;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(say('caUnreadable', source, (err as NodeJS.ErrnoException).code ?? 'error'), 'CliCaUnreadable');
  }
}

/**
 * Where the CLI takes secrets from: the environment or stdin, never the arguments. With several
 * of `--passphrase-stdin`, `--proxy-password-stdin` and `--token-stdin`, stdin's lines are the
 * passphrase, the proxy password and the Azure access token, in that order.
 */
import { promises as fs } from 'node:fs';
import { Secret } from '../core/secret';
import { UsageError } from './args';

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
}

export async function readSecrets(
  wants: { passphraseStdin: boolean; proxyPasswordStdin: boolean; tokenStdin?: boolean },
  env: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadableStream,
): Promise<CliSecrets> {
  const lines = wants.passphraseStdin || wants.proxyPasswordStdin || wants.tokenStdin ? await readLines(stdin) : [];
  const fromStdin = (wanted: boolean, what: string): Secret | undefined => {
    if (!wanted) return undefined;
    const line = lines.shift();
    if (line === undefined) throw new UsageError(`Expected the ${what} on stdin.`);
    return new Secret(line);
  };
  const passphrase = fromStdin(wants.passphraseStdin, 'passphrase') ?? fromEnv(env, PASSPHRASE_ENV);
  const proxyPassword = fromStdin(wants.proxyPasswordStdin, 'proxy password') ?? fromEnv(env, PROXY_PASSWORD_ENV);
  const token = fromStdin(wants.tokenStdin === true, 'Azure access token');
  if (token && !token.reveal().trim()) throw new UsageError('The Azure access token on stdin is empty.');
  return { ...(passphrase ? { passphrase } : {}), ...(proxyPassword ? { proxyPassword } : {}), ...(token ? { token: new Secret(token.reveal().trim()) } : {}) };
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
    if (size > MAX_STDIN_BYTES) throw new UsageError('stdin is larger than the secrets it carries.');
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
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`${source} holds no PEM certificate.`, 'CliCaInvalid');
    return pem;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`The CA file ${source} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, 'CliCaUnreadable');
  }
}

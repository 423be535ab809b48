/**
 * Trust per vault endpoint: a CA the user chose is trusted for one "host:port" only, the vault it
 * was chosen for; every other host (download hosts, Azure) keeps the system's store. Adapters say
 * where CAs come from (a setting's map of files, a local vault's own CA, the CLI's
 * BACKUP_VAULT_CA); this module decides which apply to an endpoint, and reads them.
 */
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SetupError } from '../errors';
import { hostAndPort } from '../proxy/noProxy';
import { TrustCode } from './codes';

/** A CA trusted for one endpoint ("host:port"): a PEM file (absolute path) or the PEM text itself. */
export type TrustedCertificate = { endpoint: string } & ({ file: string } | { pem: string });

const KEY = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * The key trust is stored under: "host:port", the host in lower case (an IPv6 address in
 * brackets) and the scheme's default port when the URL names none.
 */
export function endpointKey(endpoint: string | URL): string {
  const { host, port } = hostAndPort(new URL(endpoint));
  return `${host.includes(':') ? `[${host}]` : host.toLowerCase()}:${port}`;
}

/** A "host:port" as typed (in a setting, say) in endpointKey's form; undefined when it is not one. */
export function normaliseEndpointKey(key: string): string | undefined {
  const match = KEY.exec(key.trim());
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return undefined;
  try {
    return endpointKey(`https://${match[1]}:${match[2]}`);
  } catch {
    return undefined;
  }
}

/**
 * The vault endpoint an error is about, as a URL: its `endpoint` ("host:port", the trust codes)
 * or its `host` and `port` (the network codes); undefined when it names none.
 */
export function endpointOfError(params: Readonly<Record<string, unknown>>): string | undefined {
  const key =
    typeof params.endpoint === 'string'
      ? normaliseEndpointKey(params.endpoint)
      : typeof params.host === 'string' && typeof params.port === 'number'
        ? normaliseEndpointKey(`${params.host.includes(':') ? `[${params.host}]` : params.host}:${params.port}`)
        : undefined;
  return key && `https://${key}`;
}

/** The entries of a "host:port" → CA file map (the extension's setting), as trust sources. */
export function trustFromFileMap(map: Readonly<Record<string, unknown>>): TrustedCertificate[] {
  return Object.entries(map).flatMap(([endpoint, file]) => (typeof file === 'string' && file.trim() ? [{ endpoint, file: file.trim() }] : []));
}

/**
 * The CAs trusted for `endpoint`, instead of the system's store: those of every source for its
 * host:port, read now (a file may have changed since). Undefined when none is: the system's store.
 */
export async function trustedCasFor(trusted: readonly TrustedCertificate[], endpoint: string): Promise<string[] | undefined> {
  const key = endpointKey(endpoint);
  const matching = trusted.filter((t) => normaliseEndpointKey(t.endpoint) === key);
  if (!matching.length) return undefined;
  return Promise.all(matching.map((t) => ('pem' in t ? t.pem : readCaFile(t.file, key))));
}

/** A PEM file of CA certificates, refused with a specific code when it cannot be read or holds none. */
export async function readCaFile(file: string, endpoint: string): Promise<string> {
  const unreadable = (reason: string, cause?: unknown) =>
    new SetupError(TrustCode.Unreadable, `The CA file ${file} trusted for ${endpoint} cannot be read (${reason}).`, { file, endpoint, reason }, { cause });
  if (!path.isAbsolute(file)) throw unreadable('not an absolute path');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw unreadable((err as NodeJS.ErrnoException).code ?? 'error', err);
  }
  if (!certificatesIn(text).length) {
    throw new SetupError(TrustCode.NotPem, `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, { file, endpoint });
  }
  return text;
}

/** The certificates of a PEM text that parse. */
export function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(PEM_BLOCK) ?? []).flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

/**
 * known_hosts as OpenSSH reads and writes it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): comma
 * lists of names with wildcards and `!` negation, `[host]:port` for other ports than 22, hashed
 * `|1|salt|hash` names, `@revoked` keys (refused like a changed key) and `@cert-authority` lines
 * (skipped: certificates are not used here). New keys are appended as plain lines; other lines
 * are never rewritten.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SetupError } from '../../errors';
import { MAX_HOST_NAME_LENGTH } from './destination';
import { patternListMatches } from './patterns';
import { SshCode } from './types';

export function defaultKnownHostsFile(home = os.homedir()): string {
  return path.join(home, '.ssh', 'known_hosts');
}

/** `host` for port 22, else `[host]:port`: the name known_hosts uses. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The key type named at the start of an SSH public key blob (`ssh-ed25519`, …). */
export function keyTypeOf(blob: Buffer): string {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The upper-case name OpenSSH's messages use for a key type (ED25519, RSA, ECDSA, …). */
export function keyTypeLabel(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type === 'ssh-rsa') return 'RSA';
  if (type === 'ssh-dss') return 'DSA';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (type.startsWith('sk-ecdsa-')) return 'ECDSA-SK';
  return type.toUpperCase();
}

export type HostKeyStatus =
  | { status: 'known' }
  | { status: 'unknown' }
  /** The offending line: another key of the host's, or this key marked @revoked. */
  | { status: 'changed'; file: string; line: number; keyType: string; revoked: boolean };

interface Entry {
  file: string;
  line: number;
  marker?: 'revoked';
  hosts: string;
  keyType: string;
  key: Buffer;
}

function parseLines(file: string, text: string): Entry[] {
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: Entry['marker'];
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return; // @cert-authority and unknown markers
      marker = 'revoked';
      fields.shift();
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) return;
    entries.push({ file, line: index + 1, marker, hosts, keyType, key: Buffer.from(base64, 'base64') });
  });
  return entries;
}

function hashedMatches(field: string, name: string): boolean {
  const [, salt, hash] = field.split('|').slice(1);
  if (!salt || !hash) return false;
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  const expected = Buffer.from(hash, 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether a line's host field names `name`: one pattern matches and no negated one does. */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedMatches(hosts, name);
  return patternListMatches(hosts.split(','), name);
}

async function entriesFor(files: readonly string[], host: string, port: number): Promise<Entry[]> {
  // No line names a host no host can be, and each hashed line would hash the whole name.
  if (host.length > MAX_HOST_NAME_LENGTH) return [];
  const name = knownHostsName(host, port);
  const all = await Promise.all(files.map(async (file) => parseLines(file, await fs.readFile(file, 'utf8').catch(() => ''))));
  return all.flat().filter((e) => hostFieldMatches(e.hosts, name));
}

/** The key types known_hosts holds for this host (to ask the server for one of those first). */
export async function knownKeyTypes(files: readonly string[], host: string, port: number): Promise<string[]> {
  const entries = await entriesFor(files, host, port);
  return [...new Set(entries.filter((e) => !e.marker).map((e) => e.keyType))];
}

/**
 * The host's key against known_hosts: known, unknown, or changed with the offending line (a
 * revoked key; else another key of the same type; else another key of any type).
 */
export async function checkHostKey(files: readonly string[], host: string, port: number, blob: Buffer): Promise<HostKeyStatus> {
  const entries = await entriesFor(files, host, port);
  const type = keyTypeOf(blob);
  const changed = (e: Entry): HostKeyStatus => ({ status: 'changed', file: e.file, line: e.line, keyType: e.keyType, revoked: e.marker === 'revoked' });
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return changed(revoked);
  const plain = entries.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(blob))) return { status: 'known' };
  const other = plain.find((e) => e.keyType === type) ?? plain[0];
  return other ? changed(other) : { status: 'unknown' };
}

/** Appends `name type base64`, creating the folder (0700) and the file (0600) when absent. */
export async function addKnownHost(file: string, host: string, port: number, blob: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const before = await fs.readFile(file, 'utf8').catch(() => '');
  const separator = before && !before.endsWith('\n') ? '\n' : '';
  await fs.appendFile(file, `${separator}${knownHostsName(host, port)} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

/** OpenSSH's own warning for a changed (or revoked) host key, with the same facts as params. */
export function hostKeyChangedError(host: string, port: number, blob: Buffer, found: Extract<HostKeyStatus, { status: 'changed' }>): SetupError {
  const name = knownHostsName(host, port);
  const keyType = keyTypeLabel(keyTypeOf(blob));
  const print = fingerprint(blob);
  const lines = found.revoked
    ? [
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        '@       WARNING: REVOKED HOST KEY DETECTED!               @',
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        `The ${keyType} host key for ${name} is marked as revoked.`,
        'This could mean that a stolen key is being used to',
        'impersonate this host.',
        `The fingerprint for the ${keyType} key sent by the remote host is`,
        `${print}.`,
        `Revoked ${keyType} key in ${found.file}:${found.line}`,
        'Host key verification failed.',
      ]
    : [
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
        'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
        'It is also possible that a host key has just been changed.',
        `The fingerprint for the ${keyType} key sent by the remote host is`,
        `${print}.`,
        'Please contact your system administrator.',
        `Add correct host key in ${found.file} to get rid of this message.`,
        `Offending ${keyTypeLabel(found.keyType)} key in ${found.file}:${found.line}`,
        '  remove with:',
        `  ssh-keygen -f "${found.file}" -R "${name}"`,
        `Host key for ${name} has changed and you have requested strict checking.`,
        'Host key verification failed.',
      ];
  return new SetupError(SshCode.HostKeyChanged, lines.join('\n'), {
    keyType,
    fingerprint: print,
    knownHostsFile: found.file,
    line: found.line,
    host,
    port,
    revoked: found.revoked,
  });
}

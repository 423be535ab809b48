/**
 * known_hosts (src/core/target/ssh/knownHosts.ts): plain, `[host]:port`, hashed, `@revoked` and
 * `@cert-authority` lines, patterns and negations, mutated by line and by byte, written to a file
 * and checked against a host key as a connection does.
 */
import { createHmac } from 'node:crypto';
import { promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkHostKey, knownKeyTypes } from '../../src/core/target/ssh/knownHosts';
import { ACCEPTED, type Target } from '../lib/loop';
import { COMMON_WORDS, mutateLines, mutateText } from '../lib/mutate';

/** An SSH public key blob: the type, then its fields, each length-prefixed. */
function keyBlob(type: string, ...fields: Buffer[]): Buffer {
  return Buffer.concat([type, ...fields].flatMap((f) => {
    const bytes = Buffer.from(f);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  }));
}

const KEY = keyBlob('ssh-ed25519', Buffer.alloc(32, 7));
const OTHER_KEY = keyBlob('ssh-ed25519', Buffer.alloc(32, 9));
const SALT = Buffer.alloc(20, 3);
const hashed = (name: string) => `|1|${SALT.toString('base64')}|${createHmac('sha1', SALT).update(name).digest('base64')}`;

const KNOWN_HOSTS = [
  '# known hosts',
  `server.example,192.0.2.10 ssh-ed25519 ${KEY.toString('base64')}`,
  `[server.example]:2222 ssh-ed25519 ${OTHER_KEY.toString('base64')} comment`,
  `${hashed('hashed.example')} ssh-ed25519 ${KEY.toString('base64')}`,
  `@revoked *.bad ssh-ed25519 ${KEY.toString('base64')}`,
  `@cert-authority *.example ssh-ed25519 ${OTHER_KEY.toString('base64')}`,
  `*.lab,!secret.lab ssh-rsa ${OTHER_KEY.toString('base64')}`,
].join('\n');
const WORDS = [...COMMON_WORDS, '|1|', '@revoked ', '@cert-authority ', '[', ']:', '*', '?', '!', ',', 'ssh-ed25519 ', 'AAAA', '='];
const HOSTS: Array<[string, number]> = [['server.example', 22], ['server.example', 2222], ['hashed.example', 22], ['x.bad', 22], ['a.lab', 22], ['secret.lab', 22], ['new.example', 22]];

export const knownHostsTarget: Target<{ text: string; host: string; port: number; blob: Buffer }> = {
  name: 'known-hosts',
  async open() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fuzz-known-hosts-'));
    const file = path.join(dir, 'known_hosts');
    return {
      generate(r) {
        const [host, port] = r.pick(HOSTS);
        const text = r.chance(0.3) ? mutateLines(KNOWN_HOSTS, r) : KNOWN_HOSTS;
        return { text: mutateText(text, r, WORDS), host: r.chance(0.9) ? host : mutateText(host, r, WORDS), port, blob: r.pick([KEY, OTHER_KEY, Buffer.alloc(0), Buffer.alloc(3, 255)]) };
      },
      async run({ text, host, port, blob }) {
        // A file is what the reader reads; it refuses nothing, it tells known, unknown or changed.
        writeFileSync(file, text);
        await knownKeyTypes([file], host, port);
        return (await checkHostKey([file, path.join(dir, 'missing')], host, port, blob)).status === 'known' ? ACCEPTED : 'unknown-or-changed';
      },
      close: () => fs.rm(dir, { recursive: true, force: true }),
    };
  },
};

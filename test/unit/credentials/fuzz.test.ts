import assert from 'node:assert/strict';
import { isSetupError } from '../../../src/core/errors';
import { ERROR_CATALOGUE } from '../../../src/core/errorCatalogue';
import { parseCredentials } from '../../../src/core/credentials/parse';
import { issueTestCredentials } from '../../support/credentials-corpus';

/** mulberry32: a tiny seeded PRNG, so a failing mutation can be replayed from its index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fragments that steer mutations towards the parser's interesting paths. */
const TOKENS = ['<', '>', '&', '&amp;', '&#0;', '&#x1F600;', ']]>', '<![CDATA[', '<!DOCTYPE x>', '<!--', '"', ' i:nil="true"', '</', '\u0000', '\uFFFE', 'é', '=', '/>', '<?xml version="1.0"?>', 'xmlns="urn:x"'];

type Mutation = (bytes: Buffer, rand: () => number) => Buffer;

const at = (bytes: Buffer, rand: () => number): number => Math.floor(rand() * bytes.length);
const MUTATIONS: Array<[string, Mutation]> = [
  ['byte flip', (b, r) => { const c = Buffer.from(b); c[at(c, r)] = Math.floor(r() * 256); return c; }],
  ['bit flip', (b, r) => { const c = Buffer.from(b); const i = at(c, r); c[i] = c[i]! ^ (1 << Math.floor(r() * 8)); return c; }],
  ['truncation', (b, r) => b.subarray(0, at(b, r))],
  ['insertion', (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)]!), b.subarray(i)]); }],
  ['random bytes', (b, r) => { const i = at(b, r); const junk = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256))); return Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]); }],
  ['deletion', (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + Math.floor(r() * 64))]); }],
  ['duplication', (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i + 200), b.subarray(i)]); }],
  ['element shuffle', (b, r) => mapLines(b, (lines) => { const i = 2 + Math.floor(r() * 16); const j = 2 + Math.floor(r() * 16); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; })],
  ['element removal', (b, r) => mapLines(b, (lines) => { lines.splice(2 + Math.floor(r() * 16), 1); })],
  ['element repeat', (b, r) => mapLines(b, (lines) => { const i = 2 + Math.floor(r() * 16); lines.splice(i, 0, lines[i]!); })],
  ['certificate char', (b, r) => { const s = b.toString('latin1'); const start = s.indexOf('<ManagementCert>') + 16; const end = s.indexOf('</ManagementCert>'); const i = start + Math.floor(r() * (end - start)); const c = Buffer.from(b); c[i] = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='.charCodeAt(Math.floor(r() * 65)); return c; }],
];

function mapLines(bytes: Buffer, edit: (lines: string[]) => void): Buffer {
  const lines = bytes.toString('latin1').split('\r\n');
  edit(lines);
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

describe('vault credentials: fuzz', function () {
  this.timeout(120_000);
  const RUNS = 10_000;

  it(`turns ${RUNS} mutated files (UTF-8, and UTF-16 as .NET reads it) into either credentials or a SetupError, never a crash`, async () => {
    const now = new Date();
    const issued = await issueTestCredentials(now);
    const utf16 = `\ufeff${issued.xml.replace('encoding="utf-8"', 'encoding="utf-16"')}`;
    const seeds: Array<[string, Buffer]> = [
      ['UTF-8', Buffer.from(issued.xml)],
      ['UTF-16LE', Buffer.from(utf16, 'utf16le')],
      ['UTF-16BE', Buffer.from(utf16, 'utf16le').swap16()],
    ];
    const rand = prng(0x5eed);
    const started = Date.now();
    for (const [seed, base] of seeds) {
      assert.equal(parseCredentials(base, issued.fileName, now).fingerprint256, issued.fingerprint256, `the ${seed} seed itself is read`);
      const outcomes = new Map<string, number>();
      const runs = Math.ceil(RUNS / seeds.length);
      for (let i = 0; i < runs; i++) {
        const [name, mutate] = MUTATIONS[Math.floor(rand() * MUTATIONS.length)]!;
        let bytes = mutate(base, rand);
        if (rand() < 0.25) bytes = MUTATIONS[Math.floor(rand() * MUTATIONS.length)]![1](bytes, rand);
        try {
          parseCredentials(bytes, issued.fileName, now);
          outcomes.set('accepted', (outcomes.get('accepted') ?? 0) + 1);
        } catch (err) {
          if (!isSetupError(err)) assert.fail(`${seed} mutation #${i} (${name}) threw ${String(err)}`);
          assert.ok(Object.hasOwn(ERROR_CATALOGUE.credentials, err.code), `${seed} mutation #${i}: unlisted code ${err.code}`);
          outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
        }
      }
      const refused = [...outcomes].filter(([k]) => k !== 'accepted').reduce((sum, [, n]) => sum + n, 0);
      console.log(`      ${seed}: ${runs} mutations:`, Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])));
      // The mutations must reach every stage, from decoding the bytes to opening the certificate.
      assert.ok(refused > runs / 2, seed);
      for (const stage of ['VaultCredentialInvalidEncoding', 'VaultCredentialMalformedXml', 'VaultCredentialInvalidField', 'VaultCredentialCorruptCertificate']) {
        assert.ok((outcomes.get(stage) ?? 0) > 0, `${seed}: ${stage}`);
      }
    }
    console.log(`      ${RUNS} mutations in ${Date.now() - started} ms`);
  });
});

/**
 * The credentials parser (src/core/credentials) on files the vault's issuer writes, in UTF-8 and
 * in UTF-16 as .NET writes them, mutated as bytes, as XML lines and inside the certificate.
 */
import { parseCredentials } from '../../src/core/credentials/parse';
import { issueTestCredentials } from '../../test/support/credentials-corpus';
import type { Target } from '../lib/loop';
import { COMMON_WORDS, mutateBytes, mutateLines } from '../lib/mutate';
import type { Rand } from '../lib/random';
import { typedOutcome } from '../lib/typed';

const XML_WORDS = [...COMMON_WORDS, '<', '>', '&', '&amp;', '&#0;', '&#x1F600;', ']]>', '<![CDATA[', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '<!--', ' i:nil="true"', '</', '/>', '<?xml version="1.0"?>', 'xmlns="urn:x"', '&a;'];
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

export interface CredentialsInput {
  bytes: Buffer;
  fileName: string;
}

/** A character of the base64 certificate replaced by another base64 one: reaches the PKCS#12 reader. */
function mutateCertificate(xml: string, r: Rand): string {
  const start = xml.indexOf('<ManagementCert>') + '<ManagementCert>'.length;
  const end = xml.indexOf('</ManagementCert>');
  if (start < '<ManagementCert>'.length || end <= start) return xml;
  const i = start + r.int(end - start);
  return xml.slice(0, i) + r.pick([...BASE64]) + xml.slice(i + 1);
}

export const credentialsTarget: Target<CredentialsInput> = {
  name: 'credentials',
  async open() {
    const now = new Date();
    const issued = await issueTestCredentials(now);
    const utf16 = `\ufeff${issued.xml.replace('encoding="utf-8"', 'encoding="utf-16"')}`;
    const seeds = [
      { xml: issued.xml, encode: (text: string) => Buffer.from(text, 'utf8') },
      { xml: utf16, encode: (text: string) => Buffer.from(text, 'utf16le') },
      { xml: utf16, encode: (text: string) => Buffer.from(text, 'utf16le').swap16() },
    ];
    const fileNames = [issued.fileName, 'x.vaultcredentials', 'x.VaultCredentials', 'x.xml', '', 'x.vaultcredentials\u0000.txt'];
    return {
      generate(r) {
        const seed = r.pick(seeds);
        const structural = r.chance(0.4) ? (r.chance(0.5) ? mutateLines(seed.xml, r, '\r\n') : mutateCertificate(seed.xml, r)) : seed.xml;
        const bytes = seed.encode(structural);
        return { bytes: r.chance(0.1) && structural !== seed.xml ? bytes : mutateBytes(bytes, r, XML_WORDS), fileName: r.chance(0.97) ? issued.fileName : r.pick(fileNames) };
      },
      run: (input) => typedOutcome(['credentials'], () => parseCredentials(input.bytes, input.fileName, now)),
      close: async () => undefined,
    };
  },
};

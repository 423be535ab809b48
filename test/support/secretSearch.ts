/**
 * Looks for marker secrets in whatever was sent somewhere (command lines, script texts, SFTP
 * transfers, environments): as text, as UTF-16LE bytes, and as base64 of their UTF-8 or UTF-16LE
 * bytes at each of the three alignments a base64 stream can give them. Every `-EncodedCommand`
 * in a text is decoded and searched too. Shared by the Windows shell's and the MARS driver's tests.
 */
import { decodeCommand } from '../../src/core/target/powershell/commandLine';

/** A marker's base64 forms: only the characters made of the marker's own bits, at offsets 0, 1 and 2. */
export function markerForms(marker: string): string[] {
  const forms: string[] = [];
  for (const bytes of [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')]) {
    for (let offset = 0; offset < 3; offset++) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
      forms.push(encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6)));
    }
  }
  return forms;
}

/** Each text, and what each -EncodedCommand in it decodes to (named `<where> (decoded)`). */
export function withDecoded(texts: Record<string, string | Uint8Array>): Record<string, string | Uint8Array> {
  const all: Record<string, string | Uint8Array> = { ...texts };
  for (const [where, text] of Object.entries(texts)) {
    if (typeof text !== 'string') continue;
    let n = 0;
    for (const match of text.matchAll(/-EncodedCommand\s+([A-Za-z0-9+/=]+)/g)) all[`${where} (decoded ${++n})`] = decodeCommand(match[1]!);
  }
  return all;
}

/** Where any marker shows in `sent` (strings or raw bytes), each -EncodedCommand decoded first. */
export function findSecrets(sent: Record<string, string | Uint8Array>, markers: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, value] of Object.entries(withDecoded(sent))) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    const wide = typeof value === 'string' ? Buffer.from(value, 'utf16le') : bytes;
    const text = bytes.toString('latin1');
    for (const marker of markers) {
      if (bytes.includes(Buffer.from(marker, 'utf8'))) found.push(`${marker} in ${where} (UTF-8)`);
      if (wide.includes(Buffer.from(marker, 'utf16le')) || bytes.includes(Buffer.from(marker, 'utf16le'))) found.push(`${marker} in ${where} (UTF-16LE)`);
      for (const form of markerForms(marker)) if (text.includes(form)) found.push(`${marker} in ${where} (base64 ${form})`);
    }
  }
  return found;
}

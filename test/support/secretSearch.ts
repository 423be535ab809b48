/**
 * Where planted marker secrets show in what was sent: as text, as UTF-16LE, or as base64 of
 * either at any of the three byte offsets (so a secret inside an -EncodedCommand or a base64
 * blob is found too). Used by the MARS script and driver tests; each has a negative control.
 */

/** A marker's forms that could appear in text: itself, and base64 of its UTF-8 and UTF-16LE bytes at the three alignments. */
export function markerForms(marker: string): string[] {
  const forms = [marker];
  for (const bytes of [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')]) {
    for (let offset = 0; offset < 3; offset++) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
      // Only the characters made of the marker's bits alone.
      forms.push(encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6)));
    }
  }
  return forms;
}

/** Where any marker shows in the texts (as text, as UTF-16LE bytes, or base64 of either at any offset). */
export function leaks(texts: Record<string, string>, markers: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    const wide = Buffer.from(text, 'utf16le');
    for (const marker of markers) {
      if (wide.includes(Buffer.from(marker, 'utf16le'))) found.push(`${marker} in ${where} (UTF-16LE)`);
      for (const form of markerForms(marker)) if (text.includes(form)) found.push(`${marker} in ${where} (${form === marker ? 'text' : `base64 ${form}`})`);
    }
  }
  return found;
}

/** The same search over bytes written to the target (files, uploads): UTF-8 and UTF-16LE bytes, and base64 in the bytes read as text. */
export function leaksInBytes(files: ReadonlyMap<string, Uint8Array>, markers: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, data] of files) {
    const bytes = Buffer.from(data);
    for (const marker of markers) {
      for (const encoding of ['utf8', 'utf16le'] as const) if (bytes.includes(Buffer.from(marker, encoding))) found.push(`${marker} in ${where} (${encoding})`);
    }
    found.push(...leaks({ [where]: bytes.toString('latin1') }, markers).filter((f) => f.includes('base64')));
  }
  return found;
}

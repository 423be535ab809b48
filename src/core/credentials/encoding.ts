/**
 * The text of a credentials file, decoded as the agent's .NET XmlReader decodes a file (XML 1.0
 * Appendix F): the encoding comes from the byte-order mark or, failing that, from the first
 * bytes of `<?xml`, else it is UTF-8; then the XML declaration's encoding must agree with it.
 * What .NET would refuse (a declaration that contradicts the bytes, an encoding it does not
 * know, bytes that are not valid in the encoding) is refused here with its own code.
 */
import { credentialsError } from './errors';

/** What the first bytes can announce; `ucs-4-2143` and `ucs-4-3412` are Appendix F's unusual byte orders. */
export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'ucs-4be' | 'ucs-4le' | 'ucs-4-2143' | 'ucs-4-3412';

interface Detection {
  encoding: DetectedEncoding;
  /** Length of the byte-order mark; 0 when the encoding was read from the bytes of `<?`. */
  bom: number;
}

/** .NET's detection table, longest signatures first: a UCS-4 mark begins like a UTF-16 one. */
const SIGNATURES: ReadonlyArray<readonly [bytes: readonly number[], encoding: DetectedEncoding, bom: number]> = [
  [[0x00, 0x00, 0xfe, 0xff], 'ucs-4be', 4],
  [[0xff, 0xfe, 0x00, 0x00], 'ucs-4le', 4],
  [[0x00, 0x00, 0xff, 0xfe], 'ucs-4-2143', 4],
  [[0xfe, 0xff, 0x00, 0x00], 'ucs-4-3412', 4],
  [[0x00, 0x00, 0x00, 0x3c], 'ucs-4be', 0],
  [[0x3c, 0x00, 0x00, 0x00], 'ucs-4le', 0],
  [[0x00, 0x00, 0x3c, 0x00], 'ucs-4-2143', 0],
  [[0x00, 0x3c, 0x00, 0x00], 'ucs-4-3412', 0],
  [[0x00, 0x3c, 0x00, 0x3f], 'utf-16be', 0],
  [[0x3c, 0x00, 0x3f, 0x00], 'utf-16le', 0],
  [[0xfe, 0xff], 'utf-16be', 2],
  [[0xff, 0xfe], 'utf-16le', 2],
  [[0xef, 0xbb, 0xbf], 'utf-8', 3],
];
/** `<?xm` in EBCDIC, which .NET refuses outright. */
const EBCDIC = [0x4c, 0x6f, 0xa7, 0x94];

/** The names messages give the encodings. */
const NAMES: Record<DetectedEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'ucs-4be': 'UCS-4BE',
  'ucs-4le': 'UCS-4LE',
  'ucs-4-2143': 'UCS-4 (byte order 2143)',
  'ucs-4-3412': 'UCS-4 (byte order 3412)',
};

/** How each UCS-4 order lays out a code point: the byte index of each byte, most significant first. */
const UCS4_ORDER: Record<Exclude<DetectedEncoding, 'utf-8' | 'utf-16le' | 'utf-16be'>, readonly number[]> = {
  'ucs-4be': [0, 1, 2, 3],
  'ucs-4le': [3, 2, 1, 0],
  'ucs-4-2143': [1, 0, 3, 2],
  'ucs-4-3412': [2, 3, 0, 1],
};

const isUtf16 = (e: DetectedEncoding) => e === 'utf-16le' || e === 'utf-16be';

/**
 * The Unicode names a declaration may give, and the detected encodings each agrees with: those
 * .NET reads on without switching. (It keeps whatever it detected for `ucs-4`; for the others it
 * would switch decoders mid-file and fail on what follows, or refuse outright.)
 */
const UNICODE_NAMES: Record<string, (e: DetectedEncoding) => boolean> = {
  'utf-8': (e) => e === 'utf-8',
  'utf-16': isUtf16,
  'ucs-2': isUtf16,
  'iso-10646-ucs-2': isUtf16,
  unicode: (e) => e === 'utf-16le',
  'utf-16le': (e) => e === 'utf-16le',
  'utf-16be': (e) => e === 'utf-16be',
  unicodefffe: (e) => e === 'utf-16be',
  'ucs-4': () => true,
  'utf-32': (e) => e === 'ucs-4le',
  'utf-32le': (e) => e === 'ucs-4le',
  'utf-32be': (e) => e === 'ucs-4be',
};

/** The file's text without its byte-order mark, or a SetupError saying why the agent could not read it. */
export function decodeCredentialsText(bytes: Uint8Array): string {
  const detected = detect(bytes);
  const body = bytes.subarray(detected.bom);
  const declared = declaredEncoding(body, detected.encoding);
  if (declared !== undefined && !agreesWith(declared, body)(detected.encoding)) {
    throw credentialsError(
      'VaultCredentialEncodingMismatch',
      `The file is ${NAMES[detected.encoding]} ${detected.bom > 0 ? 'with' : 'without'} a byte-order mark, but its XML declaration says encoding "${declared}": the backup agent refuses a file whose declaration contradicts its bytes. Save it again as UTF-8, or download a new credentials file.`,
      { detected: NAMES[detected.encoding], byteOrderMark: detected.bom > 0, declared },
    );
  }
  const text = decode(body, detected.encoding, true);
  if (text === undefined) {
    throw credentialsError(
      'VaultCredentialInvalidEncoding',
      `The file holds bytes that are not valid ${NAMES[detected.encoding]}: it is damaged, or was saved in another encoding. Download a new credentials file.`,
      { encoding: NAMES[detected.encoding] },
    );
  }
  return text;
}

function detect(bytes: Uint8Array): Detection {
  const startsWith = (signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);
  if (startsWith(EBCDIC)) {
    throw credentialsError('VaultCredentialUnsupportedEncoding', 'The file is EBCDIC text, which the backup agent cannot read. Download a new credentials file.', {
      declared: 'EBCDIC',
      reason: 'ebcdic',
    });
  }
  const match = SIGNATURES.find(([signature]) => startsWith(signature));
  return match ? { encoding: match[1], bom: match[2] } : { encoding: 'utf-8', bom: 0 };
}

/**
 * The declaration's encoding name, lower-cased, if the text starts with a declaration that has
 * one. It is read in the detected encoding, leniently: the strict decoding comes once the
 * declaration agrees.
 */
function declaredEncoding(body: Uint8Array, encoding: DetectedEncoding): string | undefined {
  const text = encoding === 'utf-8' ? Buffer.from(body).toString('latin1') : decode(body, encoding, false)!;
  const match = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])[^"']*\1[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([^"']*)\2/.exec(text);
  return match ? match[3]!.toLowerCase() : undefined;
}

/**
 * The detected encodings a declared name agrees with. Names outside UNICODE_NAMES are known by
 * their WHATWG label (as .NET knows its code pages); the legacy ones (windows-1252, latin1, …)
 * are ASCII-compatible, so on bytes detected as UTF-8 they read ASCII alike. Only non-ASCII
 * bytes would depend on a code page's table: those are refused rather than guessed.
 */
function agreesWith(declared: string, body: Uint8Array): (e: DetectedEncoding) => boolean {
  const named = UNICODE_NAMES[declared];
  if (named) return named;
  const canonical = canonicalName(declared);
  if (canonical === undefined) {
    throw credentialsError('VaultCredentialUnsupportedEncoding', `The file declares encoding "${declared}", which the backup agent does not know. Save it again as UTF-8, or download a new credentials file.`, {
      declared,
      reason: 'unknown',
    });
  }
  if (canonical === 'utf-8' || canonical === 'utf-16le' || canonical === 'utf-16be') return (e) => e === canonical;
  if (body.some((b) => b >= 0x80)) {
    throw credentialsError(
      'VaultCredentialUnsupportedEncoding',
      `The file declares encoding "${declared}" and holds characters outside ASCII; vault credentials files are read as UTF-8 or UTF-16. Save it again as UTF-8, or download a new credentials file.`,
      { declared, reason: 'nonAscii' },
    );
  }
  return (e) => e === 'utf-8';
}

/**
 * The WHATWG name for an encoding label (`latin1` → `windows-1252`), or undefined for a label it
 * does not know or that is no XML encoding name (WHATWG would forgive the spaces .NET refuses).
 */
function canonicalName(label: string): string | undefined {
  if (!/^[a-z][a-z0-9._-]*$/.test(label)) return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/** Strict: undefined for bytes that are not valid in the encoding. Lenient: U+FFFD for them. */
function decode(body: Uint8Array, encoding: DetectedEncoding, strict: boolean): string | undefined {
  if (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be') {
    // UTF-16BE goes through the little-endian decoder: node's big-endian one needs full ICU.
    const bytes = encoding === 'utf-16be' ? swapped16(body) : body;
    try {
      return new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'utf-16le', { fatal: strict, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  return decodeUcs4(body, UCS4_ORDER[encoding], strict);
}

/** A copy with each pair of bytes swapped; an odd last byte stays last. */
function swapped16(body: Uint8Array): Buffer {
  const copy = Buffer.from(body);
  copy.subarray(0, copy.length & ~1).swap16();
  return copy;
}

/** Four bytes a character in the given order; a partial character, a surrogate or a value past U+10FFFF is invalid. */
function decodeUcs4(body: Uint8Array, order: readonly number[], strict: boolean): string | undefined {
  if (strict && body.length % 4) return undefined;
  const codePoints: number[] = [];
  for (let at = 0; at + 4 <= body.length; at += 4) {
    const value = order.reduce((sum, index) => sum * 256 + body[at + index]!, 0);
    const valid = value <= 0x10ffff && (value < 0xd800 || value > 0xdfff);
    if (!valid && strict) return undefined;
    codePoints.push(valid ? value : 0xfffd);
  }
  let text = '';
  // In slices: spreading a whole file into one call would overflow the stack.
  for (let i = 0; i < codePoints.length; i += 8192) text += String.fromCodePoint(...codePoints.slice(i, i + 8192));
  return text;
}

/**
 * PowerShell source built so that no value can become code: the `ps` tag quotes every
 * interpolated value as one single-quoted literal (or a plain integer), and only PsCode made by
 * the tag itself is spliced in as code. Secrets never pass through here: they come on stdin
 * (./script.ts).
 */

/** A fragment of PowerShell made by `ps`; the brand keeps plain strings from passing as code. */
export class PsCode {
  readonly #text: string;
  constructor(text: string, brand: typeof BRAND) {
    if (brand !== BRAND) throw new TypeError('PsCode is made by the ps tag only');
    this.#text = text;
  }
  get text(): string {
    return this.#text;
  }
  toString(): string {
    return this.#text;
  }
}
const BRAND = Symbol('PsCode');

export type PsValue = string | number | boolean | PsCode | readonly PsCode[];

/**
 * 'text' with every single quote doubled. PowerShell also ends a single-quoted string at the
 * typographic quotes U+2018..U+201B, so those are doubled too (each doubled pair reads back as
 * the one character). NUL cannot travel in a command line or a script file, so it is refused.
 */
export function psLiteral(value: string): string {
  if (value.includes('\0')) throw Object.assign(new Error('A PowerShell value cannot hold NUL'), { code: 'EINVAL' });
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

function fragment(value: PsValue): string {
  if (value instanceof PsCode) return value.text;
  if (Array.isArray(value)) return (value as readonly PsCode[]).map((v) => fragment(v)).join('\n');
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw Object.assign(new Error(`Not an integer for PowerShell: ${value}`), { code: 'EINVAL' });
    return String(value);
  }
  return psLiteral(value as string);
}

/** PowerShell code; `${x}` is a quoted literal unless x is PsCode (or an array of it: one per line). */
export function ps(strings: TemplateStringsArray, ...values: PsValue[]): PsCode {
  // An escape JavaScript cannot cook (\u{…} meant for PowerShell) would silently become "undefined".
  if (strings.some((s) => s === undefined)) throw new TypeError('A ps`…` template holds an escape JavaScript cannot read: double its backslash');
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += fragment(value) + strings[i + 1]!;
  });
  return new PsCode(text, BRAND);
}

/** Fragments joined by new lines. */
export function psLines(...parts: ReadonlyArray<PsCode | false | undefined>): PsCode {
  return new PsCode(
    parts
      .filter((p): p is PsCode => p instanceof PsCode)
      .map((p) => p.text)
      .join('\n'),
    BRAND,
  );
}

/** A variable or property name as code: letters, digits and _ only, so it cannot be anything else. */
export function psName(name: string): PsCode {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw Object.assign(new Error(`Not a PowerShell name: ${name}`), { code: 'EINVAL' });
  return new PsCode(name, BRAND);
}

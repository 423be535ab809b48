/**
 * Mutations, from valid inputs outwards: bytes (flips, cuts, splices, dictionary words), text
 * (unicode edge cases, repeats) and JSON values (a field dropped, added, retyped, made huge or
 * deeply nested). A target picks the layers that matter for its input.
 */
import type { Rand } from './random';

/** Words that steer any parser towards its edges; targets add their own. */
export const COMMON_WORDS = [
  '\u0000', '\uFEFF', '\uFFFE', '\uFFFF', '\uD800', '\uDC00', '\u202E', '\u0301', 'é', '😀', '\r\n', '\n', '\t', ' ',
  '"', "'", '\\', '%', '%00', '%ZZ', '%E0%A4%A', '%2F', '../', '*', '?', '!', '#', '=', ',', ';', ':', '[', ']', '{', '}',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', 'true', '-0', '1e309', '9007199254740993',
  '-1', '0x10', 'NaN',
];

type ByteMutation = (b: Buffer, r: Rand, words: readonly string[]) => Buffer;

const at = (b: Buffer, r: Rand) => r.int(b.length + 1);
const splice = (b: Buffer, from: number, to: number, insert: Buffer) => Buffer.concat([b.subarray(0, from), insert, b.subarray(to)]);

const BYTE_MUTATIONS: ByteMutation[] = [
  (b, r) => { const c = Buffer.from(b); if (c.length) c[r.int(c.length)] = r.int(256); return c; },
  (b, r) => { const c = Buffer.from(b); if (c.length) { const i = r.int(c.length); c[i] = c[i]! ^ (1 << r.int(8)); } return c; },
  (b, r) => b.subarray(0, at(b, r)),
  (b, r) => { const i = at(b, r); return splice(b, i, Math.min(b.length, i + 1 + r.int(64)), Buffer.alloc(0)); },
  (b, r, words) => { const i = at(b, r); return splice(b, i, i, Buffer.from(r.pick(words))); },
  (b, r, words) => { const i = at(b, r); return splice(b, i, Math.min(b.length, i + r.int(8)), Buffer.from(r.pick(words))); },
  (b, r) => { const i = at(b, r); return splice(b, i, i, r.bytes(1 + r.int(16))); },
  (b, r) => { const i = at(b, r); const n = 1 + r.int(200); return splice(b, i, i, b.subarray(i, i + n)); },
  // One run repeated many times: the inputs that make a parser quadratic or blow a limit.
  (b, r) => { const i = at(b, r); const piece = b.subarray(i, i + 1 + r.int(8)); return splice(b, i, i, Buffer.concat(Array(Math.max(1, r.length())).fill(piece))); },
];

/** One to a few byte-level mutations of `input`. */
export function mutateBytes(input: Buffer, r: Rand, words: readonly string[] = COMMON_WORDS): Buffer {
  let out = input;
  for (let n = 1 + (r.chance(0.3) ? r.int(4) : 0); n > 0; n--) out = r.pick(BYTE_MUTATIONS)(out, r, words);
  return out;
}

/** Text mutated as UTF-8 bytes, decoded back (invalid sequences become U+FFFD, as a reader sees them). */
export function mutateText(input: string, r: Rand, words: readonly string[] = COMMON_WORDS): string {
  return mutateBytes(Buffer.from(input, 'utf8'), r, words).toString('utf8');
}

/** Lines of a text shuffled, dropped or repeated: the structure of line-based formats. */
export function mutateLines(input: string, r: Rand, eol = '\n'): string {
  const lines = input.split(eol);
  const i = r.int(lines.length);
  const j = r.int(lines.length);
  switch (r.int(3)) {
    case 0: [lines[i], lines[j]] = [lines[j]!, lines[i]!]; break;
    case 1: lines.splice(i, 1); break;
    default: lines.splice(i, 0, ...Array(1 + r.int(r.chance(0.1) ? 5000 : 3)).fill(lines[j]!));
  }
  return lines.join(eol);
}

/** A JSON-ish value of another type than the one it replaces. */
function otherValue(r: Rand, words: readonly string[]): unknown {
  switch (r.int(12)) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: return r.pick([0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 4294967296, 1e-300]);
    case 3: return '';
    case 4: return r.pick(words);
    case 5: return 'x'.repeat(r.length(true));
    case 6: return [];
    case 7: return {};
    case 8: return [r.pick(words)];
    case 9: return { [r.pick(words)]: r.pick(words) };
    case 10: return nest(1 + r.int(50));
    default: return String.fromCodePoint(...Array.from({ length: 1 + r.int(20) }, () => r.int(0x110000)).filter((c) => c < 0xd800 || c > 0xdfff));
  }
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside `value`, with itself first. */
function containers(value: unknown, out: Container[] = []): Container[] {
  if (value !== null && typeof value === 'object') {
    out.push(value as Container);
    for (const v of Object.values(value)) containers(v, out);
  }
  return out;
}

/**
 * A deep copy of `value` with one structural mutation: a field removed, added (unknown or
 * prototype-named), retyped, or a string field mutated as text. The root may be replaced too.
 */
export function mutateJson(value: unknown, r: Rand, words: readonly string[] = COMMON_WORDS): unknown {
  const copy = structuredClone(value);
  const all = containers(copy);
  if (all.length === 0 || r.chance(0.03)) return otherValue(r, words);
  const target = r.pick(all);
  const keys = Object.keys(target);
  const key = keys.length ? r.pick(keys) : undefined;
  const record = target as Record<string, unknown>;
  switch (r.int(6)) {
    case 0:
      if (key !== undefined) delete record[key];
      break;
    case 1:
      // defineProperty, so that `__proto__` becomes an own key as JSON.parse would make it.
      Object.defineProperty(target, Array.isArray(target) ? String(target.length) : r.pick(words), { value: otherValue(r, words), enumerable: true, writable: true, configurable: true });
      break;
    case 2:
      if (key !== undefined) record[key] = otherValue(r, words);
      break;
    default:
      if (key !== undefined && typeof record[key] === 'string') record[key] = mutateText(record[key] as string, r, words);
      else if (key !== undefined) record[key] = otherValue(r, words);
  }
  return copy;
}

/**
 * A JSON body from a valid value: usually a structural mutation (passed through `tidy`, if
 * given), sometimes broken bytes as well.
 */
export function mutateJsonBody(value: unknown, r: Rand, tidy: (v: unknown) => unknown = (v) => v, words: readonly string[] = COMMON_WORDS): Buffer {
  const mutated = r.chance(0.85) ? tidy(mutateJson(value, r, words)) : value;
  const text = Buffer.from(JSON.stringify(mutated) ?? '', 'utf8');
  if (r.chance(0.02)) {
    // Nesting deeper than a value can hold (cloning one that deep overflows the stack): as text.
    const depth = r.pick([1000, 100_000]);
    return Buffer.concat([Buffer.from('['.repeat(depth)), text, Buffer.from(']'.repeat(depth))]);
  }
  return r.chance(0.25) ? mutateBytes(text, r, words) : text;
}

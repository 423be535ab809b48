/**
 * ARM writes int64 fields (a vault's resourceId, a container's id) as raw JSON numbers, often
 * beyond 2^53, where JSON.stringify of a JS number would round them (ARM facts §1). An Int64 is
 * written as its exact digits.
 */
import { JsonText } from '../http/router';

export class Int64 {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new TypeError(`not an integer: ${digits}`);
  }
}

/** A placeholder no serialized string can contain: JSON.stringify escapes U+0000 in strings. */
const MARK = '\u0000int64:';
const MARKED = /"\\u0000int64:(-?\d+)"/g;

export function armJson(value: unknown): JsonText {
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Int64 ? `${MARK}${v.digits}` : v));
  return new JsonText(text.replace(MARKED, '$1'));
}

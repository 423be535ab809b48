/**
 * ARM writes int64 fields (a vault's resourceId, a container's id) as raw JSON numbers, often
 * beyond 2^53, where JSON.stringify of a JS number would round them (ARM facts §1). An Int64 is
 * written as its exact digits.
 */
import { randomUUID } from 'node:crypto';
import { JsonText } from '../http/router';

export class Int64 {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new TypeError(`not an integer: ${digits}`);
  }
}

export function armJson(value: unknown): JsonText {
  // Each Int64 goes through JSON.stringify as a string marked with a fresh nonce, which no
  // string from a client (a path segment, a certificate's subject) can carry.
  const mark = `int64:${randomUUID()}:`;
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Int64 ? `${mark}${v.digits}` : v));
  return new JsonText(text.replace(new RegExp(`"${mark}(-?\\d+)"`, 'g'), '$1'));
}

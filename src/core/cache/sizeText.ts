/**
 * A size as an admin types it: bytes (`1000000`), or a number with a unit (`500GB`, `1.5 TB`,
 * `200GiB`, `20G`). Units are binary, as `df -h`, `du -h` and Windows show sizes: 1 GB is 1024³
 * bytes, the same GB the setup's own prompts use.
 */
const UNIT_POWERS: Record<string, number> = { '': 0, K: 1, M: 2, G: 3, T: 4, P: 5 };

export const GIB = 1024 ** 3;

/** The size in whole bytes (rounded up), or undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([KMGTP])(?:i?B)?|B)?$/i.exec(text.trim());
  if (!match) return undefined;
  const [, number, unit = ''] = match;
  // A bare number is bytes: a fraction of a byte is no size.
  if (unit === '' && !/^\d+$/.test(number!)) return undefined;
  const bytes = Math.ceil(Number(number) * 1024 ** UNIT_POWERS[unit.toUpperCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

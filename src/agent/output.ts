/** How results reach the terminal: JSON for scripts, `key: value` lines for people. */

export function renderText(value: Record<string, unknown>): string {
  return flatten(value)
    .map(([key, v]) => `${key}: ${v}`)
    .join('\n');
}

function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  return Object.entries(value).flatMap(([key, v]): Array<[string, string]> => {
    const name = prefix + key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return flatten(v as Record<string, unknown>, `${name}.`);
    return [[name, Array.isArray(v) ? v.join(', ') || '(none)' : v === null || v === undefined ? '(none)' : String(v)]];
  });
}

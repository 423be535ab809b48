/** Page texts as regular expressions, for the webview tests that wait for a text to show. */

export const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` (a string-table entry with {0}-style placeholders) as a pattern: the text matched
 * literally, each placeholder replaced by its argument, a pattern fragment (e.g. '\\d+').
 */
export function pagePattern(text: string, ...args: string[]): string {
  return escapeRe(text).replace(/\\\{(\d+)\\\}/g, (m, i: string) => args[Number(i)] ?? m);
}

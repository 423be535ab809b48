/**
 * OpenSSH's host pattern lists (ssh_config "PATTERNS", known_hosts host fields): `*` any run,
 * `?` one character, case-insensitive as host names are; a list matches when one plain pattern
 * matches and no `!`-negated one does.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  // Matched directly, not through a RegExp: `*a*a*…` from a hostile file made the regex backtrack
  // for minutes, and a long enough pattern was too large to compile (found by npm run fuzz).
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  let star = -1;
  let resume = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = si;
    } else if (star >= 0) {
      // The last `*` takes one more character, and the rest of the pattern tries again.
      pi = star + 1;
      si = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

export function patternListMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

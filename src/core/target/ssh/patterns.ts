/**
 * OpenSSH's host pattern lists (ssh_config "PATTERNS", known_hosts host fields): `*` any run,
 * `?` one character, case-insensitive as host names are; a list matches when one plain pattern
 * matches and no `!`-negated one does.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
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

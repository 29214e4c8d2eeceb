// OpenSSH host patterns, shared by ssh_config `Host` lines and known_hosts
// entries: `*` and `?` wildcards, `!` negation. ssh matches Host sections
// against the name as typed (case-sensitive, checked with `ssh -G`), while
// known_hosts lookups use the lowercased name: callers pick with ignoreCase.

/** Glob match of one pattern (no negation) against a whole string. */
export function matchWildcard(text: string, pattern: string, ignoreCase = false): boolean {
  const t = ignoreCase ? text.toLowerCase() : text;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  // Iterative glob with single backtrack point: linear enough for host names
  // and immune to the exponential blow-up of a naive recursive matcher.
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    const pc = p[pi];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === t[ti])) {
      ti++;
      pi++;
    } else if (pc === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

export type PatternListMatch = 'match' | 'negated' | 'none';

/**
 * OpenSSH's match_pattern_list: a negated pattern that matches vetoes the whole
 * list, whatever else matched ("Host * !bastion" never applies to bastion).
 */
export function matchPatternList(text: string, patterns: readonly string[], ignoreCase = false): PatternListMatch {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchWildcard(text, pattern, ignoreCase)) continue;
    if (negated) return 'negated';
    matched = true;
  }
  return matched ? 'match' : 'none';
}

import picomatch from 'picomatch'

/**
 * Glob matching over logical names (clusters, principals), in one dialect everywhere: bash-style
 * globs, dotfiles matched, a comma-separated list means "any of".
 */
export function globMatcher(globs: string | readonly string[]): (name: string) => boolean {
  const list = (typeof globs === 'string' ? globs.split(',') : [...globs]).map((g) => g.trim()).filter(Boolean)
  if (list.length === 0) return () => false
  return picomatch(list, { dot: true, bash: true })
}

export function matchesGlob(name: string, globs: string | readonly string[]): boolean {
  return globMatcher(globs)(name)
}

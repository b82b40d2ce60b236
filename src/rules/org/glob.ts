/**
 * Pattern matching for organisation rules, compiled once per rule.
 *
 * - `patternMatcher`: principal ARNs, accounts, groups, usernames, tag values. `*` matches any run of
 *   characters including `/` and `:` (so `*:root` and `arn:aws:iam::*:user/*` read as people expect),
 *   `?` one character; everything else is literal.
 * - `fileMatcher`: manifest paths relative to the repository root, `**` spans folders (picomatch).
 * - `clusterMatcher`: logical cluster names, as manifest `clusters` selectors match them.
 */
import { globMatcher } from '../../util/glob.js'
import picomatch from 'picomatch'
import { isGlob } from '../../manifest/select.js'

export type Matcher = (value: string) => boolean

export function patternToRegExp(pattern: string): RegExp {
  let source = ''
  for (const c of pattern) {
    if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else source += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

/** true when any pattern matches (a list of literal strings uses a Set). */
export function patternMatcher(patterns: readonly string[]): Matcher {
  const literals = new Set(patterns.filter((p) => !p.includes('*') && !p.includes('?')))
  const regexps = patterns.filter((p) => !literals.has(p)).map(patternToRegExp)
  if (regexps.length === 0) return (value) => literals.has(value)
  return (value) => literals.has(value) || regexps.some((r) => r.test(value))
}

export function fileMatcher(globs: readonly string[]): Matcher {
  const matchers = globs.map((g) => picomatch(g.replace(/^\.\//, ''), { dot: true }))
  return (file) => matchers.some((m) => m(file))
}

export function clusterMatcher(selectors: readonly string[]): Matcher {
  const matchers = selectors.map((s) => (isGlob(s) ? globMatcher([s]) : (k: string) => k === s))
  return (key) => matchers.some((m) => m(key))
}

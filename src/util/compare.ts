import type { Problem } from '../types.js'

/**
 * Compares two strings by Unicode code point, independent of locale and ICU version: the one
 * ordering used for files, clusters, principals, policies and problems, so output is byte-stable.
 * (`a < b` compares UTF-16 code units, which orders astral characters before U+E000–U+FFFF.)
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Only when both are in the BMP-above-surrogates vs surrogate range does code-unit order lie.
    const cx = a.codePointAt(i) ?? x
    const cy = b.codePointAt(i) ?? y
    return cx < cy ? -1 : 1
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1
}

/** Sort helper: compares `key(x)` by code point. */
export function byCodePoint<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => compareCodePoints(key(a), key(b))
}

/** The one order of problems everywhere: file, line, column, then code and message (stable output). */
export function compareProblems(a: Problem, b: Problem): number {
  return (
    compareCodePoints(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareCodePoints(a.code, b.code) ||
    compareCodePoints(a.message, b.message)
  )
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(compareProblems)
}

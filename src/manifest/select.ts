import { globMatcher } from '../util/glob.js'

const GLOB_CHARS = /[*?[\]{}!]/

export function isGlob(selector: string): boolean {
  return GLOB_CHARS.test(selector)
}

export interface Selection {
  /** Matched logical cluster names, sorted, without duplicates. */
  readonly clusters: readonly string[]
  /** Indexes of plain names that match no cluster (an error). */
  readonly unknownNames: readonly number[]
  /** Indexes of globs that match no cluster (a warning). */
  readonly emptyGlobs: readonly number[]
}

/**
 * Resolves an entry's `clusters` selectors against the manifest's logical cluster names.
 * No selectors (undefined) means every cluster. `*` in a selector matches any characters.
 */
export function selectClusters(selectors: readonly string[] | undefined, clusterKeys: readonly string[]): Selection {
  if (selectors === undefined) return { clusters: [...clusterKeys].sort(), unknownNames: [], emptyGlobs: [] }
  const matched = new Set<string>()
  const unknownNames: number[] = []
  const emptyGlobs: number[] = []
  selectors.forEach((selector, i) => {
    const matches = isGlob(selector) ? globMatcher([selector]) : (k: string) => k === selector
    const hits = clusterKeys.filter((k) => matches(k))
    hits.forEach((k) => matched.add(k))
    if (hits.length === 0) (isGlob(selector) ? emptyGlobs : unknownNames).push(i)
  })
  return { clusters: [...matched].sort(), unknownNames, emptyGlobs }
}

import { didYouMean as utilDidYouMean } from '../../util/did-you-mean.js'
/** Small pure helpers shared by the EKS rules (not a rule itself, so index.ts does not list it). */
import { selectClusters, type Selection } from '../../manifest/select.js'
import { ENTRY_TYPES, type Loc, type Manifest, type ManifestCluster, type ManifestEntry } from '../../types.js'

export interface EntrySelection {
  /** selectClusters' answer for the entry's selectors. */
  readonly selection: Selection
  /** The selected clusters, sorted by key (unknown names and empty globs select nothing). */
  readonly clusters: readonly ManifestCluster[]
  /** The selected keys, for intersections. */
  readonly keys: ReadonlySet<string>
}

/**
 * A function giving each entry's selection, memoised per distinct selector list. Thousands of
 * entries share a handful of lists and compiling globs dominates, so each rule makes one selector
 * per run (the cache lives in the closure, not in the module).
 */
export function entrySelector(manifest: Manifest): (entry: ManifestEntry) => EntrySelection {
  const byKey = new Map(manifest.clusters.map((c) => [c.key, c]))
  const keys = [...byKey.keys()]
  const cache = new Map<string, EntrySelection>()
  return (entry) => {
    const cacheKey = entry.clusters === undefined ? '' : `[${entry.clusters.join('\u0000')}`
    const cached = cache.get(cacheKey)
    if (cached !== undefined) return cached
    const selection = selectClusters(entry.clusters, keys)
    const clusters = selection.clusters.flatMap((key) => {
      const cluster = byKey.get(key)
      return cluster ? [cluster] : []
    })
    const result = { selection, clusters, keys: new Set(selection.clusters) }
    cache.set(cacheKey, result)
    return result
  }
}

/** `file:line`, for messages that point at another place. */
export function fileLine(loc: Loc): string {
  return `${loc.file}:${loc.line}`
}

/** `"a", "b"` — quoted, in the given order. */
export function quoteAll(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ')
}

/** The candidate closest to `input` (src/util/did-you-mean.ts), or undefined when none is a plausible typo. */
export const closestMatch = utilDidYouMean

/** ` (did you mean "X"?)` or the empty string. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closestMatch(input, candidates)
  return match === undefined ? '' : ` (did you mean "${match}"?)`
}

/** Node entry types (everything but STANDARD); EKS grants them their permissions itself. */
export const NODE_TYPES: ReadonlySet<string> = new Set(ENTRY_TYPES.filter((t) => t !== 'STANDARD'))

/** A node type the manifest may name (validate). Not plan/normalize.ts isNodeType, which treats any live type EKS reports that is not STANDARD (even one newer than this release) as node-like. */
export function isKnownNodeType(type: string | undefined): boolean {
  return type !== undefined && NODE_TYPES.has(type)
}

/**
 * Cross-reference of `clusters` selectors against the manifest's logical cluster names:
 * - `manifest:unknown-cluster` (error) — a plain name that matches no cluster, at that item, with a did-you-mean;
 * - `manifest:unmatched-selector` (warning) — a glob that matches no cluster, or an empty `clusters` list.
 */
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'
import { didYouMean, entrySelector, type EntrySelection } from './helpers.js'

export function checkClusterSelectors(manifest: Manifest): Problem[] {
  const keys = manifest.clusters.map((c) => c.key)
  const select = entrySelector(manifest)
  return manifest.accessEntries.flatMap((entry) => checkSelectors(entry, select(entry), keys))
}

function checkSelectors(entry: ManifestEntry, selected: EntrySelection, keys: readonly string[]): Problem[] {
  const selectors = entry.clusters
  if (selectors === undefined) return []
  const listLoc = entry.locs.clusters ?? entry.locs.entry
  if (selectors.length === 0) {
    return [
      problemAt(
        listLoc,
        'warning',
        'manifest:unmatched-selector',
        `clusters is empty, so this entry for "${entry.principalArn}" grants nothing; name clusters, or drop clusters to select every cluster`,
      ),
    ]
  }
  const { selection } = selected
  const known = keys.length === 0 ? 'the manifest defines no clusters' : `known clusters: ${keys.join(', ')}`
  const unknown = selection.unknownNames.map((i) => {
    const name = selectors[i] ?? ''
    return problemAt(
      entry.locs.clusterItems[i] ?? listLoc,
      'error',
      'manifest:unknown-cluster',
      `clusters item "${name}" names no cluster under clusters:${didYouMean(name, keys)}; ${known}`,
    )
  })
  const empty = selection.emptyGlobs.map((i) =>
    problemAt(
      entry.locs.clusterItems[i] ?? listLoc,
      'warning',
      'manifest:unmatched-selector',
      `clusters item "${selectors[i] ?? ''}" matches no cluster; ${known}`,
    ),
  )
  return [...unknown, ...empty]
}

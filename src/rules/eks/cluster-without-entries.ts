/**
 * `manifest:cluster-without-entries` (warning, at the cluster's key) — no access entry selects the
 * cluster. A `manifest:` code rather than `eks:`, because it is a cross-reference within the
 * manifest, not a rule EKS enforces. With `prune` other than `none` such a cluster would lose every
 * entry the tool owns, so the message says so.
 */
import { problemAt, type Manifest, type Problem } from '../../types.js'
import { entrySelector } from './helpers.js'

export function checkClustersWithoutEntries(manifest: Manifest): Problem[] {
  const select = entrySelector(manifest)
  // Entries share a few selector lists: collect the distinct selections, then their keys.
  const selections = new Set(manifest.accessEntries.map(select))
  const selected = new Set([...selections].flatMap((s) => [...s.keys]))
  return manifest.clusters
    .filter((cluster) => !selected.has(cluster.key))
    .map((cluster) => {
      const consequence =
        cluster.prune === 'none'
          ? 'the plan will not change its access entries'
          : `with prune: ${cluster.prune} the plan would delete every entry it may prune there`
      return problemAt(
        cluster.locs.key,
        'warning',
        'manifest:cluster-without-entries',
        `cluster "${cluster.key}" is selected by no access entry; ${consequence}. Add an entry for it or remove the cluster`,
      )
    })
}

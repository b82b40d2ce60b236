import { isExpired } from '../expiry.js'
import { selectClusters } from '../manifest/select.js'
import type { DesiredEntry, Manifest, ManifestCluster, ManifestEntry } from '../types.js'
import { compareText, normalizePolicies, normalizeType, sortedSet } from './normalize.js'

/**
 * The desired access entries of one cluster, resolved from the manifest: the entries whose
 * `clusters` selectors pick this cluster, with policies as full ARNs in the cluster's partition.
 * Entries whose `expiresAt` has passed are returned apart: the diff treats them as absent and
 * names them as the reason when it deletes their live entry. Pure: `now` is injected.
 */
export function resolveDesired(
  manifest: Manifest,
  cluster: ManifestCluster,
  now: Date,
  selections: EntrySelections = selectEntryClusters(manifest),
): { entries: DesiredEntry[]; expired: DesiredEntry[] } {
  const entries: DesiredEntry[] = []
  const expired: DesiredEntry[] = []
  for (const entry of manifest.accessEntries) {
    if (selections.get(entry)?.has(cluster.key) !== true) continue
    const desired = toDesiredEntry(entry, cluster)
    ;(entry.expiresAt !== undefined && isExpired(entry.expiresAt, now) ? expired : entries).push(desired)
  }
  const byPrincipal = (a: DesiredEntry, b: DesiredEntry): number => compareText(a.principalArn, b.principalArn)
  return { entries: entries.sort(byPrincipal), expired: expired.sort(byPrincipal) }
}

/** The clusters each manifest entry selects. */
export type EntrySelections = ReadonlyMap<ManifestEntry, ReadonlySet<string>>

/**
 * Resolves every entry's selectors once (compiling a glob is the costliest step of planning many
 * clusters), sharing the answer between entries with the same selector list. Compute it once per
 * manifest and pass it to resolveDesired for each cluster.
 */
export function selectEntryClusters(manifest: Manifest): EntrySelections {
  const keys = manifest.clusters.map((c) => c.key)
  const bySelectors = new Map<string, ReadonlySet<string>>()
  const out = new Map<ManifestEntry, ReadonlySet<string>>()
  for (const entry of manifest.accessEntries) {
    const id = JSON.stringify(entry.clusters ?? null)
    let selected = bySelectors.get(id)
    if (selected === undefined) {
      selected = new Set(selectClusters(entry.clusters, keys).clusters)
      bySelectors.set(id, selected)
    }
    out.set(entry, selected)
  }
  return out
}

function toDesiredEntry(entry: ManifestEntry, cluster: ManifestCluster): DesiredEntry {
  const base: DesiredEntry = {
    principalArn: entry.principalArn,
    type: normalizeType(entry.type),
    kubernetesGroups: sortedSet(entry.kubernetesGroups),
    tags: { ...entry.tags },
    accessPolicies: normalizePolicies(entry.accessPolicies, cluster.partition),
    loc: entry.locs.entry,
  }
  return {
    ...base,
    ...(entry.username !== undefined ? { username: entry.username } : {}),
    ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
  }
}

import { expiryStatus, formatInstant } from '../expiry.js'
import { selectClusters } from '../manifest/select.js'
import { policyArnFor } from '../policies.js'
import type { DesiredEntry, ExpiredPolicy, ExpiringAccess, Manifest, ManifestCluster, ManifestEntry } from '../types.js'
import { compareText, normalizePolicies, normalizeType, sortedSet } from './normalize.js'

/** `expiry-warning-days` when the caller gives none (PRODUCT.md, action input default). */
export const DEFAULT_EXPIRY_WARNING_DAYS = 7

/**
 * The desired access entries of one cluster, resolved from the manifest: the entries whose
 * `clusters` selectors pick this cluster, with policies as full ARNs in the cluster's partition.
 * Expired access is ABSENT from the desired state (src/expiry.ts says when access ends):
 * - an entry whose `expiresAt` has passed is returned in `expired`: the diff treats it as absent
 *   and names expiry as the reason when it deletes the live entry;
 * - an access policy whose own `expiresAt` has passed is left out of the entry's `accessPolicies`
 *   and listed in its `expiredPolicies`: the diff disassociates it with reason `expired`.
 * `expiring` lists what ends within `warningDays` (entries, and policies of live entries).
 * Pure: `now` is injected.
 */
export function resolveDesired(
  manifest: Manifest,
  cluster: ManifestCluster,
  now: Date,
  selections: EntrySelections = selectEntryClusters(manifest),
  warningDays: number = DEFAULT_EXPIRY_WARNING_DAYS,
): { entries: DesiredEntry[]; expired: DesiredEntry[]; expiring: ExpiringAccess[] } {
  const entries: DesiredEntry[] = []
  const expired: DesiredEntry[] = []
  const expiring: ExpiringAccess[] = []
  for (const entry of manifest.accessEntries) {
    if (selections.get(entry)?.has(cluster.key) !== true) continue
    const status = entry.expiresAt === undefined ? undefined : expiryStatus(entry.expiresAt, now, warningDays)
    if (status?.kind === 'expired') {
      expired.push(toDesiredEntry(entry, cluster, now, warningDays, []))
      continue
    }
    if (status?.kind === 'expiring' && entry.expiresAt !== undefined) {
      expiring.push({ principalArn: entry.principalArn, expiresAt: entry.expiresAt, endsAt: formatInstant(status.endsAt) })
    }
    entries.push(toDesiredEntry(entry, cluster, now, warningDays, expiring))
  }
  const byPrincipal = (a: DesiredEntry, b: DesiredEntry): number => compareText(a.principalArn, b.principalArn)
  return { entries: entries.sort(byPrincipal), expired: expired.sort(byPrincipal), expiring: expiring.sort(compareExpiring) }
}

/** Soonest first, then by principal and policy: the PR comment reads top-down. */
export function compareExpiring(a: ExpiringAccess, b: ExpiringAccess): number {
  return compareText(a.endsAt, b.endsAt) || compareText(a.principalArn, b.principalArn) || compareText(a.policyArn ?? '', b.policyArn ?? '')
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

function toDesiredEntry(
  entry: ManifestEntry,
  cluster: ManifestCluster,
  now: Date,
  warningDays: number,
  expiring: ExpiringAccess[],
): DesiredEntry {
  const kept: ManifestEntry['accessPolicies'][number][] = []
  const expiredPolicies: ExpiredPolicy[] = []
  for (const p of entry.accessPolicies) {
    const status = p.expiresAt === undefined ? undefined : expiryStatus(p.expiresAt, now, warningDays)
    const policyArn = policyArnFor(p.policyArn, cluster.partition)
    if (status?.kind === 'expired' && p.expiresAt !== undefined) {
      expiredPolicies.push({ policyArn, expiresAt: p.expiresAt })
      continue
    }
    if (status?.kind === 'expiring' && p.expiresAt !== undefined) {
      expiring.push({ principalArn: entry.principalArn, policyArn, expiresAt: p.expiresAt, endsAt: formatInstant(status.endsAt) })
    }
    kept.push(p)
  }
  const base: DesiredEntry = {
    principalArn: entry.principalArn,
    type: normalizeType(entry.type),
    kubernetesGroups: sortedSet(entry.kubernetesGroups),
    tags: { ...entry.tags },
    accessPolicies: normalizePolicies(kept, cluster.partition),
    loc: entry.locs.entry,
  }
  return {
    ...base,
    ...(entry.username !== undefined ? { username: entry.username } : {}),
    ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
    ...(expiredPolicies.length > 0 ? { expiredPolicies: expiredPolicies.sort((a, b) => compareText(a.policyArn, b.policyArn)) } : {}),
  }
}

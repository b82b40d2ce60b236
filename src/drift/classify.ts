/**
 * Drift: every difference between the live clusters and the manifest, classified for a security
 * reader. Pure: takes the plan (built against live state, expired access already absent), the same
 * observed state the plan was built from, and the manifest.
 *
 * The rule (there is no apply history to consult, so it rests on what the cluster itself shows):
 * - **changed outside the repo**: a live entry the tool OWNS (it carries `managed-by:
 *   eks-access-gate`, so an apply created or adopted it) that the manifest names and whose username,
 *   groups, tags, policies, scopes or type no longer match the manifest. The workflow applies every
 *   merge to the default branch, so after an apply owned entries match; a difference is an
 *   out-of-band change (or a merge whose apply has not run yet, which lasts only minutes).
 * - **pending** (the manifest is ahead of the cluster): everything else the next apply would do —
 *   creating an entry the manifest names (including an owned entry deleted out of band: without
 *   history a missing entry cannot be told from one never created; either way the next apply
 *   creates it), reconciling an entry the tool does not own yet (it becomes the manifest's only at
 *   its first apply), deleting an owned entry the manifest dropped, removing expired access
 *   (`reason: "expired"`), and an authentication-mode step.
 * - **unknown access**: live entries that are neither owned nor named by the manifest, with their
 *   policies, cluster admins first (AmazonEKSClusterAdminPolicy at cluster scope). With `prune: all`
 *   the next apply deletes the STANDARD ones (`deletedByNextApply`); they are still listed here,
 *   and not again under pending.
 * Clusters whose state could not be read or whose plan has errors are listed in `errors` and
 * classify nothing (a partial picture would under-report).
 */
import { isClusterAdminPolicy } from '../policies.js'
import { selectEntryClusters } from '../plan/desired.js'
import { compareText, isOwned, normalizeType } from '../plan/normalize.js'
import type {
  AssociatedPolicy,
  AuthenticationModeChange,
  Change,
  ClusterPlan,
  Manifest,
  ObservedCluster,
  ObservedEntry,
  Plan,
  PlanError,
  Result,
} from '../types.js'
import type { DeadAccess } from '../plan/dead-access.js'

/** The changes the next apply makes to one principal's entry, and why they count as drift. */
export interface DriftEntry {
  readonly cluster: string
  readonly principalArn: string
  /** The plan's changes for this principal (what the next apply does), in plan order. */
  readonly changes: readonly Change[]
}

export interface UnknownAccess {
  readonly cluster: string
  readonly principalArn: string
  readonly type: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly accessPolicies: readonly AssociatedPolicy[]
  /** Holds AmazonEKSClusterAdminPolicy at cluster scope. */
  readonly clusterAdmin: boolean
  /** `prune: all` deletes it at the next apply. */
  readonly deletedByNextApply: boolean
}

export interface PendingModeChange extends AuthenticationModeChange {
  readonly cluster: string
}

export interface DriftCounts {
  readonly changed: number
  readonly unknown: number
  readonly pending: number
}

export interface DriftReport {
  readonly version: 1
  /** true when anything differs (changed, unknown or pending): the action's `drift` output. */
  readonly drift: boolean
  readonly counts: DriftCounts
  /** Sorted by cluster, then principal. */
  readonly changed: readonly DriftEntry[]
  readonly unknown: readonly UnknownAccess[]
  readonly pending: readonly DriftEntry[]
  readonly pendingAuthenticationModes: readonly PendingModeChange[]
  /** Orphaned and stale entries (plan/dead-access.ts), when the caller checked IAM. Not drift. */
  readonly dead: readonly DeadAccess[]
  /** Clusters not classified, with why. */
  readonly errors: readonly { readonly cluster: string; readonly errors: readonly PlanError[] }[]
}

export type ObservedByCluster = ReadonlyMap<string, Result<ObservedCluster, PlanError>>

export function classifyDrift(plan: Plan, observed: ObservedByCluster, manifest: Manifest, dead: readonly DeadAccess[] = []): DriftReport {
  const named = namedPrincipals(manifest)
  const changed: DriftEntry[] = []
  const pending: DriftEntry[] = []
  const unknown: UnknownAccess[] = []
  const modes: PendingModeChange[] = []
  const errors: DriftReport['errors'][number][] = []
  for (const cp of [...plan.clusters].sort((a, b) => compareText(a.cluster, b.cluster))) {
    const read = observed.get(cp.cluster)
    if (cp.errors.length > 0 || read === undefined || !read.ok) {
      const why =
        cp.errors.length > 0
          ? cp.errors
          : read !== undefined && !read.ok
            ? [read.error]
            : [{ code: 'no-state', message: `no live state for cluster ${cp.cluster}` }]
      errors.push({ cluster: cp.cluster, errors: why })
      continue
    }
    const live = new Map(read.value.entries.map((e) => [e.principalArn, e] as const))
    const names = named.get(cp.cluster) ?? new Set<string>()
    const unknownHere = read.value.entries.filter((e) => !isOwned(e.tags) && !names.has(e.principalArn)).map((e) => toUnknown(cp, e))
    unknown.push(...unknownHere.sort(compareUnknown))
    const unknownArns = new Set(unknownHere.map((u) => u.principalArn))
    for (const [principalArn, changes] of byPrincipal(cp)) {
      if (unknownArns.has(principalArn)) continue // prune: all deletes it; listed under unknown
      const entry: DriftEntry = { cluster: cp.cluster, principalArn, changes }
      ;(isChangedOutside(live.get(principalArn), names.has(principalArn), changes) ? changed : pending).push(entry)
    }
    if (cp.authenticationMode !== undefined) modes.push({ cluster: cp.cluster, ...cp.authenticationMode })
  }
  const counts = { changed: changed.length, unknown: unknown.length, pending: pending.length + modes.length }
  return {
    version: 1,
    drift: counts.changed + counts.unknown + counts.pending > 0,
    counts,
    changed,
    unknown,
    pending,
    pendingAuthenticationModes: modes,
    dead: [...dead],
    errors,
  }
}

/**
 * An owned live entry the manifest names, whose differences are not expiry: the tool made it match
 * at an apply, so it was changed since. Expiry is the manifest's own schedule, hence pending.
 */
function isChangedOutside(live: ObservedEntry | undefined, named: boolean, changes: readonly Change[]): boolean {
  if (live === undefined || !named || !isOwned(live.tags)) return false
  return changes.some((c) => c.reason !== 'expired')
}

/** The plan's changes grouped by principal, in plan order (already sorted by principal). */
function byPrincipal(cp: ClusterPlan): Map<string, Change[]> {
  const out = new Map<string, Change[]>()
  for (const c of cp.changes) out.set(c.principalArn, [...(out.get(c.principalArn) ?? []), c])
  return out
}

/** Per logical cluster: the principals some manifest entry (expired or not) names there. */
function namedPrincipals(manifest: Manifest): Map<string, Set<string>> {
  const selections = selectEntryClusters(manifest)
  const out = new Map<string, Set<string>>()
  for (const entry of manifest.accessEntries) {
    for (const key of selections.get(entry) ?? []) {
      const set = out.get(key) ?? new Set<string>()
      set.add(entry.principalArn)
      out.set(key, set)
    }
  }
  return out
}

function toUnknown(cp: ClusterPlan, e: ObservedEntry): UnknownAccess {
  const deleted = cp.changes.some((c) => c.action === 'delete' && c.principalArn === e.principalArn)
  const policies = [...e.accessPolicies].sort((a, b) => compareText(a.policyArn, b.policyArn))
  return {
    cluster: cp.cluster,
    principalArn: e.principalArn,
    type: normalizeType(e.type),
    ...(e.username === undefined ? {} : { username: e.username }),
    kubernetesGroups: [...e.kubernetesGroups].sort(compareText),
    accessPolicies: policies,
    clusterAdmin: policies.some((p) => isClusterAdminPolicy(p.policyArn) && p.accessScope.type === 'cluster'),
    deletedByNextApply: deleted,
  }
}

/** Within a cluster: cluster admins first, then by principal. */
function compareUnknown(a: UnknownAccess, b: UnknownAccess): number {
  return Number(b.clusterAdmin) - Number(a.clusterAdmin) || compareText(a.principalArn, b.principalArn)
}

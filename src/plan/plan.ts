import type { ClusterPlan, ManifestCluster, Manifest, ObservedCluster, Plan, PlanError, PlanSummary, Problem, Result } from '../types.js'
import { authenticationModeGuidance } from '../onboarding/auth-mode.js'
import { resolveDesired, selectEntryClusters, type EntrySelections } from './desired.js'
import { CONFIG_MAP_ERROR_CODE, planCluster } from './diff.js'
import { planHash } from './hash.js'
import { compareText } from './normalize.js'

export interface BuildPlanInput {
  readonly manifest: Manifest
  /** Live state (or a snapshot) per logical cluster key, or why it could not be read. */
  readonly observed: ReadonlyMap<string, Result<ObservedCluster, PlanError>>
  readonly now: Date
  readonly problems?: readonly Problem[]
  readonly manifestCommit?: string
  /** Logical keys to plan; default every cluster of the manifest. */
  readonly clusters?: readonly string[]
  /** `expiry-warning-days`: access ending this close is listed in `clusters[].expiring` (default 7). */
  readonly expiryWarningDays?: number
}

/**
 * The whole plan: one ClusterPlan per selected cluster, sorted by key. A cluster whose state could
 * not be read carries that error and no changes; the others are still planned.
 */
export function buildPlan(input: BuildPlanInput): Plan {
  const selections = selectEntryClusters(input.manifest)
  const wanted = input.clusters === undefined ? undefined : new Set(input.clusters)
  // Over the whole manifest, not only the selected clusters: `--cluster prod-a` must not plan
  // prod-a alone when prod-b names the same EKS cluster.
  const aliases = sameEksClusterAliases(input.manifest.clusters)
  const clusters = input.manifest.clusters
    .filter((c) => wanted === undefined || wanted.has(c.key))
    .sort((a, b) => compareText(a.key, b.key))
    .map((c) => {
      const others = aliases.get(c.key)
      return others === undefined ? planOneCluster(input, c, selections) : failedCluster(c, sameEksClusterError(c, others))
    })
  const plan: Plan = {
    version: 1,
    summary: summarize(clusters),
    clusters,
    problems: [...(input.problems ?? [])],
    planHash: planHash(clusters.map(hashedParts)),
  }
  return input.manifestCommit === undefined ? plan : { ...plan, manifestCommit: input.manifestCommit }
}

function planOneCluster(input: BuildPlanInput, cluster: ManifestCluster, selections: EntrySelections): ClusterPlan {
  const read = input.observed.get(cluster.key)
  if (read === undefined) {
    return failedCluster(cluster, { code: 'no-state', message: `no live state or snapshot for cluster ${cluster.key}` })
  }
  let observed: ObservedCluster
  if (read.ok) observed = read.value
  else {
    const switching = configMapClusterToSwitch(cluster, read.error)
    if (switching === undefined) return failedCluster(cluster, withModeGuidance(cluster, read.error))
    observed = switching
  }
  const { entries, expired, expiring } = resolveDesired(input.manifest, cluster, input.now, selections, input.expiryWarningDays)
  const planned = planCluster({ cluster, desired: entries, expired, observed })
  return expiring.length === 0 ? planned : { ...planned, expiring }
}

/**
 * `expiring` depends on the clock (it grows as dates come into the window), so it stays out of the
 * hash: a plan reviewed on Monday and re-planned by apply on Wednesday must hash the same when the
 * changes are the same. When access actually expires the changes differ, and so does the hash.
 * `notes` (authentication-mode guidance) are wording, not changes: a release that rewords them must
 * not make a reviewed plan look changed.
 */
function hashedParts(c: ClusterPlan): ClusterPlan {
  if (c.expiring === undefined && c.notes === undefined) return c
  const { expiring: _expiring, notes: _notes, ...rest } = c
  return rest
}

/**
 * The live read stops at a CONFIG_MAP cluster (no access-entry call works there). When the manifest
 * asks for the one step out of it, the plan must be able to say so: the cluster then has no access
 * entries at all (access entries are enabled one way only, so a CONFIG_MAP cluster never had
 * any), and the diff plans the mode step first and the entries after it. Any other desired mode
 * keeps the read error.
 */
function configMapClusterToSwitch(cluster: ManifestCluster, error: PlanError): ObservedCluster | undefined {
  if (error.code !== CONFIG_MAP_ERROR_CODE || cluster.authenticationMode !== 'API_AND_CONFIG_MAP') return undefined
  return { name: cluster.name, region: cluster.region, authenticationMode: 'CONFIG_MAP', entries: [] }
}

/**
 * A CONFIG_MAP cluster that is not switching: the read error says so; the guidance (same code)
 * says why the manifest's mode is refused and what the way there is (e.g. API asked for while the
 * cluster is still on CONFIG_MAP).
 */
function withModeGuidance(cluster: ManifestCluster, error: PlanError): PlanError {
  if (error.code !== CONFIG_MAP_ERROR_CODE) return error
  const guidance = authenticationModeGuidance(cluster.key, 'CONFIG_MAP', cluster.authenticationMode)
  return guidance === undefined || guidance.severity !== 'error' ? error : { code: error.code, message: guidance.note }
}

/** Logical keys that share their EKS cluster (account, region, name) with others, and those others. */
function sameEksClusterAliases(clusters: readonly ManifestCluster[]): Map<string, string[]> {
  const byTarget = new Map<string, string[]>()
  for (const c of clusters) {
    const id = `${c.accountId}|${c.region}|${c.name}`
    byTarget.set(id, [...(byTarget.get(id) ?? []), c.key])
  }
  const out = new Map<string, string[]>()
  for (const keys of byTarget.values()) {
    if (keys.length < 2) continue
    const sorted = [...keys].sort(compareText)
    for (const key of sorted)
      out.set(
        key,
        sorted.filter((k) => k !== key),
      )
  }
  return out
}

/**
 * Each logical cluster is planned on its own, so two names for one EKS cluster would each prune
 * the other's owned entries and undo each other's changes.
 */
function sameEksClusterError(cluster: ManifestCluster, others: readonly string[]): PlanError {
  return {
    code: 'same-eks-cluster',
    message:
      `clusters ${[cluster.key, ...others].sort(compareText).join(', ')} all name EKS cluster ${cluster.name} in ${cluster.region} ` +
      `(account ${cluster.accountId}); each would delete the entries the others add: define the cluster once and select it from every entry`,
  }
}

function failedCluster(cluster: ManifestCluster, error: PlanError): ClusterPlan {
  return {
    cluster: cluster.key,
    name: cluster.name,
    region: cluster.region,
    accountId: cluster.accountId,
    changes: [],
    errors: [error],
    effects: [],
    unmanaged: [],
    unchanged: 0,
  }
}

/**
 * Counts per PRODUCT.md: one per change by its action (the diff already folds update + tag into
 * one update, a scope change into one associate, a type change into one replace plus its
 * associates, and a delete without disassociates); `unchanged` is summed from the clusters,
 * which report 0 when they have errors.
 */
export function summarize(clusters: readonly ClusterPlan[]): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0, unchanged: 0 }
  for (const c of clusters) {
    for (const change of c.changes) counts[change.action] += 1
    counts.unchanged += c.unchanged
  }
  return counts
}

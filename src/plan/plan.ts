import type { ClusterPlan, ManifestCluster, Manifest, ObservedCluster, Plan, PlanError, PlanSummary, Problem, Result } from '../types.js'
import { resolveDesired, selectEntryClusters, type EntrySelections } from './desired.js'
import { planCluster } from './diff.js'
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
}

/**
 * The whole plan: one ClusterPlan per selected cluster, sorted by key. A cluster whose state could
 * not be read carries that error and no changes; the others are still planned.
 */
export function buildPlan(input: BuildPlanInput): Plan {
  const selections = selectEntryClusters(input.manifest)
  const wanted = input.clusters === undefined ? undefined : new Set(input.clusters)
  const clusters = input.manifest.clusters
    .filter((c) => wanted === undefined || wanted.has(c.key))
    .sort((a, b) => compareText(a.key, b.key))
    .map((c) => planOneCluster(input, c, selections))
  const plan: Plan = {
    version: 1,
    summary: summarize(clusters),
    clusters,
    problems: [...(input.problems ?? [])],
    planHash: planHash(clusters),
  }
  return input.manifestCommit === undefined ? plan : { ...plan, manifestCommit: input.manifestCommit }
}

function planOneCluster(input: BuildPlanInput, cluster: ManifestCluster, selections: EntrySelections): ClusterPlan {
  const observed = input.observed.get(cluster.key)
  if (observed === undefined) {
    return failedCluster(cluster, { code: 'no-state', message: `no live state or snapshot for cluster ${cluster.key}` })
  }
  if (!observed.ok) return failedCluster(cluster, observed.error)
  const { entries, expired } = resolveDesired(input.manifest, cluster, input.now, selections)
  return planCluster({ cluster, desired: entries, expired, observed: observed.value })
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

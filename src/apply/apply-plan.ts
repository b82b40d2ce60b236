import type { ReviewComparison } from '../plan/marker.js'
import type { ClusterPlan, Plan } from '../types.js'
import { applyCluster, callError, countItems, refusedCluster } from './engine.js'
import type { ApplyClock, ApplyEksApi, ApplyOptions, ClusterApplyInput, ClusterApplyResult, PlanApplyResult } from './types.js'

/**
 * applyPlan: every cluster of the plan, in parallel with a bound per account and region (EKS's
 * request limit is per account and region, and every client of one shares its pacer): the clusters
 * of different accounts or regions never wait for each other, so one account's rate is not left
 * idle while another's clusters fill a global bound. One failing (or refused) cluster does not
 * stop the others; the result is in the plan's cluster order, with exit code 1 when any change
 * failed or any cluster was refused or stopped.
 */

/** Per logical cluster: what applyCluster needs besides the plan, the review and the seed. */
export type ClusterContext = Omit<ClusterApplyInput, 'plan' | 'review' | 'idempotencySeed'>

export interface ApplyPlanInput {
  readonly plan: Plan
  /** By logical cluster key. A cluster of the plan without a context is refused. */
  readonly contexts: ReadonlyMap<string, ClusterContext>
  /** Seed of the clientRequestTokens: the commit being applied (GITHUB_SHA), see tokens.ts. */
  readonly idempotencySeed: string
  /** compareWithReviewed(plan, reviewed); absent = apply every change (the CLI). */
  readonly review?: ReviewComparison
}

export interface ApplyPlanDeps extends ApplyClock {
  /** The port for one cluster (its apply role, region, endpoint); may throw or reject (no credentials). */
  readonly apiFor: (cluster: ClusterPlan) => ApplyEksApi | Promise<ApplyEksApi>
}

export interface ApplyPlanOptions extends ApplyOptions {
  /** Clusters applied at once per account and region (default 4); accounts and regions run side by side. */
  readonly clusterConcurrency?: number
}

const DEFAULT_CLUSTER_CONCURRENCY = 4

export async function applyPlan(input: ApplyPlanInput, deps: ApplyPlanDeps, options: ApplyPlanOptions = {}): Promise<PlanApplyResult> {
  const clusters = input.plan.clusters
  const results: ClusterApplyResult[] = new Array<ClusterApplyResult>(clusters.length)
  const limit = Math.max(1, options.clusterConcurrency ?? DEFAULT_CLUSTER_CONCURRENCY)
  await Promise.all(
    [...paceGroups(clusters).values()].map(async (indexes) => {
      let next = 0
      const worker = async (): Promise<void> => {
        while (next < indexes.length) {
          const i = indexes[next++] as number
          results[i] = await applyOne(clusters[i] as ClusterPlan, input, deps, options)
        }
      }
      await Promise.all(Array.from({ length: Math.min(limit, indexes.length) }, worker))
    }),
  )
  const counts = countItems(results.flatMap((r) => r.items))
  const ok = results.every((r) => r.status === 'applied' || r.status === 'unchanged')
  return { clusters: results, counts, notes: input.review?.notes ?? [], ok, exitCode: ok ? 0 : 1 }
}

/** Indexes of the plan's clusters by account and region (the unit EKS limits and the pacer paces), in plan order. */
export function paceGroups(clusters: readonly Pick<ClusterPlan, 'accountId' | 'region'>[]): Map<string, number[]> {
  const groups = new Map<string, number[]>()
  for (const [i, c] of clusters.entries()) {
    const key = `${c.accountId}|${c.region}`
    groups.set(key, [...(groups.get(key) ?? []), i])
  }
  return groups
}

async function applyOne(
  cluster: ClusterPlan,
  input: ApplyPlanInput,
  deps: ApplyPlanDeps,
  options: ApplyOptions,
): Promise<ClusterApplyResult> {
  const review = input.review?.clusters.find((r) => r.cluster === cluster.cluster)
  const context = input.contexts.get(cluster.cluster)
  const clusterInput: ClusterApplyInput = {
    plan: cluster,
    observed: context?.observed ?? [],
    allowNoClusterAdmin: context?.allowNoClusterAdmin ?? false,
    adopt: context?.adopt ?? false,
    idempotencySeed: input.idempotencySeed,
    ...(review === undefined ? {} : { review }),
  }
  if (context === undefined) {
    return refuse(clusterInput, 'no-context', `no live state was given for cluster ${cluster.cluster}`)
  }
  let api: ApplyEksApi
  try {
    api = await deps.apiFor(cluster)
  } catch (e) {
    const err = callError(e, 'AssumeRole')
    return refuse(clusterInput, err.code, `no credentials for cluster ${cluster.cluster}: ${err.message}`)
  }
  try {
    return await applyCluster(clusterInput, { api, now: deps.now, sleep: deps.sleep }, options)
  } catch (e) {
    // A bug, not an AWS answer (those are results): still only this cluster fails.
    const err = callError(e, 'apply')
    return refuse(clusterInput, err.code, `apply of cluster ${cluster.cluster} stopped unexpectedly: ${err.message}`)
  }
}

function refuse(input: ClusterApplyInput, code: string, message: string): ClusterApplyResult {
  return refusedCluster(input, [{ code, message }], 'failed')
}

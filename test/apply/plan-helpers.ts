import type { ClusterContext } from '../../src/apply/apply-plan.js'
import { planCluster } from '../../src/plan/diff.js'
import { planHash } from '../../src/plan/hash.js'
import { summarize } from '../../src/plan/plan.js'
import type { DesiredEntry, ManifestCluster, ObservedEntry, Plan } from '../../src/types.js'
import { live } from '../plan/build.js'

/** A whole Plan (and the apply contexts) from per-cluster desired and live entries. */
export function buildPlanFromClusters(
  specs: readonly { cluster: ManifestCluster; desired: readonly DesiredEntry[]; observed: readonly ObservedEntry[] }[],
): { plan: Plan; contexts: Map<string, ClusterContext> } {
  const clusters = specs.map((s) =>
    planCluster({
      cluster: s.cluster,
      desired: s.desired,
      expired: [],
      observed: live(s.observed, { name: s.cluster.name, region: s.cluster.region, accountId: s.cluster.accountId }),
    }),
  )
  const plan: Plan = { version: 1, summary: summarize(clusters), clusters, problems: [], planHash: planHash(clusters) }
  const contexts = new Map(
    specs.map(
      (s) => [s.cluster.key, { observed: s.observed, allowNoClusterAdmin: s.cluster.allowNoClusterAdmin, adopt: s.cluster.adopt }] as const,
    ),
  )
  return { plan, contexts }
}

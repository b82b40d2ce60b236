/**
 * `cluster-admins` — per cluster, the number of entries holding AmazonEKSClusterAdminPolicy at cluster
 * scope must be at least `min` (a break-glass floor) and at most `max`. At the cluster's key. Expired
 * entries do not count when the clock is known. `files` globs match the file that defines the cluster.
 */
import { CLUSTER_ADMIN_POLICY } from '../../policies.js'
import type { RuleKind } from './kind.js'
import { namesPolicy } from './policy-ref.js'
import type { Violation } from './types.js'

export const clusterAdmins: RuleKind = {
  kind: 'cluster-admins',
  params: ['min', 'max'],
  compile(params, common, ctx) {
    const min = typeof params.min === 'number' ? params.min : undefined
    const max = typeof params.max === 'number' ? params.max : undefined
    if (min === undefined && max === undefined) {
      return [
        {
          severity: 'error',
          code: 'rules:range',
          message: `rule "${common.id}": cluster-admins needs min, max or both`,
          ...ctx.locate([]),
        },
      ]
    }
    if (min !== undefined && max !== undefined && min > max) {
      return [
        {
          severity: 'error',
          code: 'rules:range',
          message: `rule "${common.id}": min ${min} is greater than max ${max}; no cluster could pass`,
          ...ctx.locate(['min']),
        },
      ]
    }
    const isAdmin = namesPolicy(CLUSTER_ADMIN_POLICY)
    return {
      ...common,
      scope: 'cluster',
      checkCluster({ cluster, entries }) {
        const admins = entries.filter((e) => e.accessPolicies.some((p) => p.accessScope.type === 'cluster' && isAdmin(p.policyArn)))
        const n = admins.length
        const out: Violation[] = []
        if (min !== undefined && n < min) {
          out.push({
            loc: cluster.locs.key,
            clusters: [cluster.key],
            detail: `cluster "${cluster.key}" has ${n} cluster-admin entr${n === 1 ? 'y' : 'ies'}; at least ${min} required (AmazonEKSClusterAdminPolicy at cluster scope)`,
          })
        }
        if (max !== undefined && n > max) {
          out.push({
            loc: cluster.locs.key,
            clusters: [cluster.key],
            detail: `cluster "${cluster.key}" has ${n} cluster-admin entries; at most ${max} allowed (${admins.map((e) => e.principalArn).join(', ')})`,
          })
        }
        return out
      },
    }
  },
}

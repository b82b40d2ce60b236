/**
 * `policy-holders` — `policy` (short name or ARN) may be held only by principals matching
 * `principals`. With `clusterScopeOnly: true` the rule restricts cluster-scope associations only
 * (anyone may hold the policy in namespaces). A violation is at the association's `policyArn`.
 */
import { patternMatcher } from './glob.js'
import { strings, type RuleKind } from './kind.js'
import { checkPolicyRef, policyName } from './policy-ref.js'

export const policyHolders: RuleKind = {
  kind: 'policy-holders',
  params: ['policy', 'principals', 'clusterScopeOnly'],
  compile(params, common, ctx) {
    const policy = String(params.policy)
    const problems = checkPolicyRef(policy, ctx.locate(['policy']), common.id)
    if (problems.length > 0) return problems
    const name = policyName(policy)
    const holders = patternMatcher(strings(params.principals))
    const clusterScopeOnly = params.clusterScopeOnly === true
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        if (holders(entry.principalArn)) return []
        return entry.accessPolicies
          .filter((p) => policyName(p.policyArn) === name && (!clusterScopeOnly || p.accessScope.type === 'cluster'))
          .map((p) => ({
            loc: p.locs.policyArn,
            principalArn: entry.principalArn,
            detail: `principal "${entry.principalArn}" may not hold ${name}${clusterScopeOnly ? ' at cluster scope' : ''}; only principals matching ${strings(params.principals).map((x) => `"${x}"`).join(', ')} may`,
          }))
      },
    }
  },
}

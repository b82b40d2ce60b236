/**
 * `policy-holders` — `policy` (short name or ARN) may be held only by principals matching
 * `principals`. With `clusterScopeOnly: true` the rule restricts cluster-scope associations only
 * (anyone may hold the policy in namespaces). A violation is at the association's `policyArn`.
 */
import { patternMatcher } from './glob.js'
import { NONE, strings, type RuleKind } from './kind.js'
import { checkPolicyRef, policyName } from './policy-ref.js'

export const policyHolders: RuleKind = {
  kind: 'policy-holders',
  params: ['policy', 'principals', 'clusterScopeOnly'],
  compile(params, common, ctx) {
    const policy = String(params.policy)
    const problems = checkPolicyRef(policy, ctx.locate(['policy']), common.id)
    if (problems.length > 0) return problems
    const name = policyName(policy)
    const who = strings(params.principals)
      .map((x) => `"${x}"`)
      .join(', ')
    const holders = patternMatcher(strings(params.principals))
    const clusterScopeOnly = params.clusterScopeOnly === true
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry, facts }) {
        const names = facts.policyNames
        if (!names.includes(name)) return NONE
        const held = entry.accessPolicies.filter((p, i) => names[i] === name && (!clusterScopeOnly || p.accessScope.type === 'cluster'))
        if (held.length === 0 || holders(entry.principalArn)) return NONE
        return held.map((p) => ({
          loc: p.locs.policyArn,
          principalArn: entry.principalArn,
          detail: `principal "${entry.principalArn}" may not hold ${name}${clusterScopeOnly ? ' at cluster scope' : ''}; only principals matching ${who} may`,
        }))
      },
    }
  },
}
